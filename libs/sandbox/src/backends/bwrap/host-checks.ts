import { constants } from 'node:fs';
import { readdirSync, readFileSync } from 'node:fs';
import { access, readFile } from 'node:fs/promises';

async function readSysctl(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

export async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Why an unprivileged process cannot create a user namespace here, if it cannot. */
export async function userNamespaceProblem(): Promise<string | undefined> {
  const max = await readSysctl('/proc/sys/user/max_user_namespaces');
  if (max !== undefined && Number(max) === 0) return 'user namespaces are disabled (user.max_user_namespaces = 0)';
  const clone = await readSysctl('/proc/sys/kernel/unprivileged_userns_clone');
  if (clone !== undefined && clone !== '1') {
    return 'unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone = 0)';
  }
  const apparmor = await readSysctl('/proc/sys/kernel/apparmor_restrict_unprivileged_userns');
  if (apparmor !== undefined && apparmor !== '0') {
    return 'AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns = 1)';
  }
  return undefined;
}

const O_CLOEXEC = 0o2000000;

/**
 * File descriptors this process inherited without close-on-exec (e.g. from its own parent).
 * Every child would inherit them and bwrap does not close them, so each run masks them.
 */
export function inheritedFds(): number[] {
  const leaked: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc/self/fd');
  } catch {
    return leaked;
  }
  for (const entry of entries) {
    const fd = Number(entry);
    if (!(fd > 2)) continue;
    try {
      const flags = /^flags:\s+([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
      if (flags && (parseInt(flags[1], 8) & O_CLOEXEC) === 0) leaked.push(fd);
    } catch {
      // closed meanwhile (it was the readdir's own fd)
    }
  }
  return leaked;
}
