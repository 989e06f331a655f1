import { readFileSync, writeFileSync } from 'node:fs';
import { rmdir } from 'node:fs/promises';

export interface CgroupMount {
  /** Mount point of the hierarchy. */
  mountPoint: string;
  /** This process's cgroup path inside the hierarchy. */
  path: string;
}

export interface CgroupLayout {
  v1: Map<string, CgroupMount>;
  v2?: CgroupMount;
}

/** Where the hierarchies are mounted and which cgroup this process is in. */
export function readCgroupLayout(): CgroupLayout {
  const self = readFileSync('/proc/self/cgroup', 'utf8');
  const mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
  const pathByController = new Map<string, string>();
  let v2Path: string | undefined;
  for (const line of self.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === '0' && m[2] === '') v2Path = m[3];
    else for (const c of m[2].split(',')) pathByController.set(c, m[3]);
  }
  const layout: CgroupLayout = { v1: new Map() };
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const mountPoint = left.split(' ')[4];
    const [fstype, , superOpts = ''] = right.split(' ');
    if (fstype === 'cgroup2' && v2Path !== undefined && !layout.v2) layout.v2 = { mountPoint, path: v2Path };
    if (fstype !== 'cgroup') continue;
    for (const opt of superOpts.split(',')) {
      const path = pathByController.get(opt);
      if (path !== undefined && !layout.v1.has(opt)) layout.v1.set(opt, { mountPoint, path });
    }
  }
  return layout;
}

/**
 * cgroupfs files live in kernel memory: a synchronous read or write takes microseconds,
 * while the promise API costs several thread-pool round trips on every run's critical path.
 */
export async function readText(file: string): Promise<string | undefined> {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

export async function readNumber(file: string): Promise<number | undefined> {
  return parseNumber(await readText(file));
}

/** A cgroupfs file holding one number (e.g. `memory.peak`), or undefined. */
export function parseNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text.trim());
  return Number.isFinite(n) ? n : undefined;
}

export async function readPids(file: string): Promise<number[]> {
  const text = await readText(file);
  if (!text) return [];
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map(Number);
}

export function keyedValue(text: string | undefined, key: string): number | undefined {
  const m = new RegExp(`^${key}\\s+(\\d+)$`, 'm').exec(text ?? '');
  return m ? Number(m[1]) : undefined;
}

let runCounter = 0;

/** Unique within this process even with several managers (several backends, several specs). */
export function nextRunName(): string {
  return `run-${++runCounter}-${Math.random().toString(16).slice(2, 8)}`;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


export function killPids(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** rmdir of a cgroup we created; EBUSY for a moment while the last tasks are reaped. */
export async function removeCgroupDir(dir: string): Promise<void> {
  const deadline = Date.now() + 2000;
  for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
    try {
      await rmdir(dir);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY' || Date.now() > deadline) throw err;
      await sleep(wait);
    }
  }
}

export async function writeValue(file: string, value: string): Promise<void> {
  writeFileSync(file, value);
}
