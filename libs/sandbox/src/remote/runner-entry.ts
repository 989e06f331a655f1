import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SandboxError, SandboxErrorCode } from '../sandbox-error';

function projectRoot(): string {
  let dir = __dirname;
  while (dir !== dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'node_modules'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

/** The compiled runner (`nest build runner`); the same file whether the gateway runs from dist or from sources in jest. */
export function runnerEntryPath(): string {
  return join(projectRoot(), 'dist', 'apps', 'runner', 'src', 'main.js');
}

export function assertRunnerEntry(entry: string): void {
  if (!existsSync(entry)) {
    throw new SandboxError(SandboxErrorCode.Unavailable, `sandbox runner ${entry} is missing (build it with npm run build)`);
  }
}
