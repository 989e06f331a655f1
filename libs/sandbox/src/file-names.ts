import { RunFile } from './run-spec';
import { SandboxError, SandboxErrorCode } from './sandbox-error';

export const MAX_FILES = 32;
export const MAX_FILE_NAME_LENGTH = 200;
const MAX_SEGMENT_LENGTH = 100;
/** NAME_MAX of Linux filesystems, tmpfs included. */
const MAX_SEGMENT_BYTES = 255;

function reject(message: string): never {
  throw new SandboxError(SandboxErrorCode.InvalidRequest, message);
}

/** Why a name is unusable as a path relative to /work, or undefined when it is fine. */
export function fileNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'must be a non-empty string';
  if (name.length > MAX_FILE_NAME_LENGTH) return `is longer than ${MAX_FILE_NAME_LENGTH} characters`;
  if (name.includes('\0')) return 'contains a NUL byte';
  if (/[\x01-\x1f\x7f\\]/.test(name)) return 'contains a control character or a backslash';
  // A lone surrogate has no UTF-8 form: two such names would both be written as U+FFFD.
  if (/\p{Cs}/u.test(name)) return 'is not well-formed Unicode (a lone surrogate)';
  if (name.startsWith('/')) return 'must be relative to the work directory';
  for (const seg of name.split('/')) {
    if (seg === '') return 'has an empty path segment';
    if (seg === '.' || seg === '..') return 'must not contain "." or ".." segments';
    if (seg.startsWith('-')) return 'must not have a segment starting with "-"';
    if (seg.length > MAX_SEGMENT_LENGTH) return `has a segment longer than ${MAX_SEGMENT_LENGTH} characters`;
    if (Buffer.byteLength(seg) > MAX_SEGMENT_BYTES) return `has a segment longer than ${MAX_SEGMENT_BYTES} bytes in UTF-8`;
  }
  return undefined;
}

/** Validates extra files against each other and against the names the language layer reserves. */
export function validateFiles(files: readonly RunFile[] | undefined, reserved: readonly string[]): RunFile[] {
  if (files === undefined || files === null) return [];
  if (!Array.isArray(files)) reject('files must be an array');
  if (files.length > MAX_FILES) reject(`at most ${MAX_FILES} files are allowed`);
  const names = new Set<string>(reserved);
  const dirs = new Set<string>();
  for (const file of files) {
    if (typeof file !== 'object' || file === null) reject('each file must be an object with name and content');
    const problem = fileNameProblem(file.name);
    if (problem) reject(`file name ${JSON.stringify(String(file.name)).slice(0, 80)} ${problem}`);
    if (typeof file.content !== 'string') reject(`file ${file.name}: content must be a string`);
    if (names.has(file.name)) {
      reject(
        reserved.includes(file.name)
          ? `file name ${file.name} clashes with the program's own source file`
          : `duplicate file name ${file.name}`,
      );
    }
    names.add(file.name);
    const segs = file.name.split('/');
    for (let i = 1; i < segs.length; i++) dirs.add(segs.slice(0, i).join('/'));
  }
  for (const dir of dirs) if (names.has(dir)) reject(`${dir} is used both as a file and as a directory`);
  return files.map((f) => ({ name: f.name, content: f.content }));
}
