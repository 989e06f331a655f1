import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../../project-root';
import { sandboxDataDir } from '../../../rootfs/rootfs-info';

/** The C side of native-child.ts (libs/sandbox/native/fast-spawn.c). */
export interface FastSpawnAddon {
  spawn(
    file: string,
    argv: string[],
    env: string[],
    stdio: number[],
    uid: number,
    gid: number,
    limits: number[],
    onExit: (code: number | null, signal: number | null) => void,
  ): number[];
  constants: { RLIMIT_CORE: number; RLIMIT_FSIZE: number; RLIMIT_NOFILE: number };
}

const sourcePath = () => join(projectRoot(), 'libs', 'sandbox', 'native', 'fast-spawn.c');

/** Named by the hash of its source, so a binary built from older source is never loaded. */
export function fastSpawnAddonPath(): string | undefined {
  let source: Buffer;
  try {
    source = readFileSync(sourcePath());
  } catch {
    return undefined;
  }
  const hash = createHash('sha256').update(source).update(process.arch).digest('hex').slice(0, 12);
  return join(sandboxDataDir(), `fast-spawn-${hash}.node`);
}

let loaded: FastSpawnAddon | null | undefined;

/** The addon when it was built for this source (npm run sandbox:build), else undefined. */
export function loadFastSpawn(): FastSpawnAddon | undefined {
  if (loaded === undefined) {
    const path = process.platform === 'linux' ? fastSpawnAddonPath() : undefined;
    try {
      loaded = path && existsSync(path) ? (require(path) as FastSpawnAddon) : null;
    } catch {
      loaded = null;
    }
  }
  return loaded ?? undefined;
}

/** Whether sandboxes can be started without fork() in this process (the addon is built and loads). */
export function fastSpawnAvailable(): boolean {
  return loadFastSpawn() !== undefined;
}

/**
 * Compiles the addon with the C compiler and Node's own headers, when both are there. Best
 * effort: without it bwrap is started through child_process and prlimit(1), as safely but slower.
 */
export async function buildFastSpawn(log: (line: string) => void): Promise<boolean> {
  const out = fastSpawnAddonPath();
  if (!out || process.platform !== 'linux') return false;
  if (existsSync(out)) return true;
  const include = join(dirname(dirname(process.execPath)), 'include', 'node');
  if (!existsSync(join(include, 'node_api.h'))) {
    log(`fast spawn not built: no Node headers in ${include}; bubblewrap starts through child_process`);
    return false;
  }
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    await promisify(execFile)(process.env.CC ?? 'cc', ['-O2', '-shared', '-fPIC', `-I${include}`, '-o', tmp, sourcePath(), '-lpthread']);
    renameSync(tmp, out);
    log(`fast spawn built: ${out}`);
    // A process that loaded an older build keeps its mapping of the removed file.
    for (const old of readdirSync(dirname(out)).filter((f) => /^fast-spawn-[0-9a-f]+\.node$/.test(f))) {
      if (join(dirname(out), old) !== out) rmSync(join(dirname(out), old), { force: true });
    }
    return true;
  } catch (err) {
    rmSync(tmp, { force: true });
    log(`fast spawn not built (${(err as Error).message.split('\n')[0]}); bubblewrap starts through child_process`);
    return false;
  }
}
