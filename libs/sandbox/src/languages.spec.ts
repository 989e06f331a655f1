import { LANGUAGES, languageNames, resolveLanguage } from './languages';

describe('resolveLanguage', () => {
  it.each([
    ['python', 'python'],
    ['py', 'python'],
    ['python3', 'python'],
    ['javascript', 'javascript'],
    ['js', 'javascript'],
    ['node', 'javascript'],
    ['typescript', 'typescript'],
    ['ts', 'typescript'],
    ['bash', 'bash'],
    ['sh', 'bash'],
    [' PY ', 'python'],
  ])('%s → %s', (name, expected) => expect(resolveLanguage(name)).toBe(expected));

  it.each(['ruby', '', 'pythonx', '__proto__', 'constructor'])('%s is unknown', (name) => {
    expect(resolveLanguage(name)).toBeUndefined();
  });

  it('lists every canonical name and alias', () => {
    expect(languageNames()).toEqual(expect.arrayContaining(['python', 'py', 'js', 'node', 'ts', 'sh', 'bash']));
  });
});

describe('language commands', () => {
  it('build argv arrays with user args appended verbatim', () => {
    expect(LANGUAGES.python.command('main.py', ['a b', '$x'])).toEqual(['python3', '-u', 'main.py', 'a b', '$x']);
    expect(LANGUAGES.javascript.command('main.js', [])).toEqual(['node', 'main.js']);
    expect(LANGUAGES.bash.command('main.sh', ['-c'])).toEqual(['bash', 'main.sh', '-c']);
  });
});
