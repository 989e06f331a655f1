import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SandboxError, SandboxErrorCode } from '../sandbox-error';
import { projectRoot } from '../project-root';


/** The compiled runner (`nest build runner`); the same file whether the gateway runs from dist or from sources in jest. */
export function runnerEntryPath(): string {
  return join(projectRoot(), 'dist', 'apps', 'runner', 'src', 'main.js');
}

export function assertRunnerEntry(entry: string): void {
  if (!existsSync(entry)) {
    throw new SandboxError(SandboxErrorCode.Unavailable, `sandbox runner ${entry} is missing (build it with npm run build)`);
  }
}
