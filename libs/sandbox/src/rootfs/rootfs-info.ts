import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { definitionHash, ROOTFS_DEFINITION } from './rootfs-definition';
import { projectRoot } from '../project-root';

export interface RootfsInfo {
  hash: string;
  /** Directory holding the built tree (read-only bind for bwrap, `docker import` source). */
  dir: string;
  /** Tag of the Docker image imported from the same tree. */
  imageTag: string;
  /** Path of the manifest written at build time (package versions). */
  manifestPath: string;
  built: boolean;
}

export const SANDBOX_IMAGE_REPO = 'sandbox-runtime';


/** SANDBOX_DATA_DIR overrides the default `<project>/.data/sandbox`. */
export function sandboxDataDir(): string {
  const fromEnv = process.env.SANDBOX_DATA_DIR;
  return fromEnv ? resolve(fromEnv) : join(projectRoot(), '.data', 'sandbox');
}

export function rootfsInfo(): RootfsInfo {
  const hash = definitionHash(ROOTFS_DEFINITION);
  const dir = process.env.SANDBOX_ROOTFS_DIR
    ? resolve(process.env.SANDBOX_ROOTFS_DIR)
    : join(sandboxDataDir(), `rootfs-${hash}`);
  const manifestPath = join(dir, 'etc', 'sandbox-rootfs.json');
  return {
    hash,
    dir,
    imageTag: `${SANDBOX_IMAGE_REPO}:${hash}`,
    manifestPath,
    built: existsSync(manifestPath),
  };
}
