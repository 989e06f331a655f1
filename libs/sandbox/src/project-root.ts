import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The checkout this code runs from, whether from sources (jest) or from dist. */
export function projectRoot(): string {
  let dir = __dirname;
  while (dir !== dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'node_modules'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}
