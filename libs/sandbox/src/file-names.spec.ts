import { fileNameProblem, MAX_FILES, validateFiles } from './file-names';
import { SandboxError, SandboxErrorCode } from './sandbox-error';

const f = (name: string, content = 'x') => ({ name, content });

function rejected(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SandboxError);
    expect((err as SandboxError).code).toBe(SandboxErrorCode.InvalidRequest);
    return (err as Error).message;
  }
  throw new Error('expected a rejection');
}

describe('file names', () => {
  it.each(['data.txt', 'lib/util.js', 'a/b/c.py', '.hidden', 'name with spaces.txt', 'ünïcode.txt', '中'.repeat(85), '😀.txt'])('%s is fine', (name) => {
    expect(fileNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['', 'empty'],
    ['/etc/passwd', 'absolute'],
    ['../x', 'parent'],
    ['a/../../x', 'parent inside'],
    ['a/./b', 'dot segment'],
    ['.', 'dot'],
    ['-rf', 'leading dash'],
    ['a/-x', 'leading dash in a segment'],
    ['a\0b', 'NUL'],
    ['a//b', 'empty segment'],
    ['a/', 'trailing slash'],
    ['a\nb', 'newline'],
    ['a\\b', 'backslash'],
    ['x'.repeat(201), 'too long'],
    ['中'.repeat(86), 'a segment of 258 bytes in UTF-8'],
    ['\ud800', 'a lone high surrogate'],
    ['a/\udc00b', 'a lone low surrogate'],
  ])('%j is rejected (%s)', (name) => {
    expect(fileNameProblem(name)).toBeDefined();
  });

  it('rejects non-strings', () => {
    expect(fileNameProblem(42)).toBeDefined();
    expect(fileNameProblem(undefined)).toBeDefined();
  });
});

describe('validateFiles', () => {
  it('passes good files through as plain objects', () => {
    expect(validateFiles([f('a.txt'), f('d/b.txt')], ['main.py'])).toEqual([f('a.txt'), f('d/b.txt')]);
    expect(validateFiles(undefined, ['main.py'])).toEqual([]);
  });

  it('rejects duplicates, the main file, file/dir clashes, bad content and too many files', () => {
    expect(rejected(() => validateFiles([f('a'), f('a')], ['main.py']))).toMatch(/duplicate/);
    expect(rejected(() => validateFiles([f('main.py')], ['main.py']))).toMatch(/source file/);
    expect(rejected(() => validateFiles([f('a'), f('a/b')], []))).toMatch(/file and as a directory/);
    expect(rejected(() => validateFiles([{ name: 'a', content: 5 as unknown as string }], []))).toMatch(/content/);
    expect(rejected(() => validateFiles(Array.from({ length: MAX_FILES + 1 }, (_, i) => f(`f${i}`)), []))).toMatch(/at most/);
    expect(rejected(() => validateFiles([f('../../etc/cron.d/x')], []))).toMatch(/"\.\."/);
    expect(rejected(() => validateFiles('a' as never, []))).toMatch(/array/);
  });
});
