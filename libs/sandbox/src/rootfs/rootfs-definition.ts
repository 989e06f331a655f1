import { createHash } from 'node:crypto';

export interface RootfsDefinition {
  /** Bump when the build steps in build-rootfs.ts change in a way that changes the tree. */
  recipe: number;
  suite: string;
  variant: string;
  mirror: string;
  arch: string;
  packages: readonly string[];
  /** uid:gid user code runs as (nobody in Debian's base-passwd). */
  user: { uid: number; gid: number };
}

/** The one runtime definition: the bwrap tree and the Docker image are both built from it. */
export const ROOTFS_DEFINITION: RootfsDefinition = {
  recipe: 2,
  suite: 'trixie',
  variant: 'minbase',
  mirror: 'http://deb.debian.org/debian',
  arch: 'amd64',
  packages: ['bash', 'coreutils', 'procps', 'python3', 'nodejs'],
  user: { uid: 65534, gid: 65534 },
};

export function definitionHash(def: RootfsDefinition = ROOTFS_DEFINITION): string {
  return createHash('sha256').update(JSON.stringify(def)).digest('hex').slice(0, 12);
}
