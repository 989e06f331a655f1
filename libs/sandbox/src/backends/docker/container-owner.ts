import { readFileSync, readlinkSync } from 'node:fs';

/** Label naming the process that created a container: boot, pid namespace and pid. */
export const DOCKER_OWNER_LABEL = 'io.sandbox-gateway.owner';

function readOr(read: () => string, fallback: string): string {
  try {
    return read().trim();
  } catch {
    return fallback;
  }
}

const scope = `${readOr(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8'), 'unknown-boot')}/${readOr(
  () => readlinkSync('/proc/self/ns/pid'),
  'unknown-pidns',
)}`;

export function ownerLabelValue(): string {
  return `${scope}/${process.pid}`;
}

/**
 * True only when the owner provably is gone: same boot and pid namespace as us (so its
 * pid means the same process table) and no process with that pid. Anything else, e.g. a
 * gateway in another container, is left to the age rule.
 */
export function ownerIsGone(owner: string | undefined): boolean {
  if (!owner || !owner.startsWith(`${scope}/`)) return false;
  const pid = Number(owner.slice(scope.length + 1));
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
