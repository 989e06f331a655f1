import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rootfsInfo } from '@app/sandbox';

function dockerReady(image: string): boolean {
  try {
    execFileSync('docker', ['image', 'inspect', image], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * The backends the e2e suites run on. Outside CI a backend whose prerequisites are
 * missing is skipped with a loud notice; with CI=true every backend must be there.
 */
export function sandboxBackendsUnderTest(): ('bwrap' | 'docker')[] {
  const info = rootfsInfo();
  const found = {
    bwrap: existsSync(info.dir) && existsSync('/usr/bin/bwrap'),
    docker: dockerReady(info.imageTag),
  };
  const missing = (Object.keys(found) as ('bwrap' | 'docker')[]).filter((b) => !found[b]);
  if (missing.length && process.env.CI === 'true') {
    throw new Error(`CI=true but sandbox backend(s) ${missing.join(', ')} are not ready: run "npm run sandbox:build" with docker running`);
  }
  for (const b of missing) console.warn(`\n!!! SKIPPING the ${b} sandbox backend: its runtime is not built or its daemon is absent (npm run sandbox:build)\n`);
  return (Object.keys(found) as ('bwrap' | 'docker')[]).filter((b) => found[b]);
}
