import type { ContainerCreateOptions, HostConfig } from 'dockerode';
import { RunLimits } from '../../run-spec';
import { SANDBOX_ENV } from '../sandbox-backend';
import { DOCKER_OWNER_LABEL, ownerLabelValue } from './container-owner';
import { seccompSecurityOpt } from './docker-seccomp-profile';
import { DOCKER_BACKEND_LABEL, DOCKER_BACKEND_LABEL_VALUE, DockerBackendOptions } from './docker-backend-options';

const MIB = 1024 * 1024;
const SHM_MAX_MB = 16;

const DEFAULT_USER = '65534:65534';

function tmpfsMount(sizeMb: number, inodes: number, owner: string): string {
  // exec stays allowed: scripts and compiled helpers run from /work. Docker copies the
  // image directory's mode onto the tmpfs, so ownership (not mode=) is what makes it writable.
  return `rw,exec,nosuid,nodev,size=${sizeMb}m,nr_inodes=${inodes},${owner}`;
}

export function numericUser(user: string): { uid: number; gid: number } {
  const match = /^(\d+):(\d+)$/.exec(user);
  if (!match) throw new Error(`docker backend user must be numeric uid:gid, got ${JSON.stringify(user)}`);
  const ids = { uid: Number(match[1]), gid: Number(match[2]) };
  if (ids.uid === 0) throw new Error('docker backend refuses to run user code as root');
  return ids;
}

/** Engine API 1.41 field that @types/dockerode does not know yet. */
type SandboxHostConfig = HostConfig & { CgroupnsMode: 'private' | 'host' };

/** The whole isolation policy of one run, as Docker create options. */
export function containerCreateOptions(
  options: DockerBackendOptions,
  limits: RunLimits,
  cmd: string[],
): ContainerCreateOptions {
  const memoryBytes = limits.memoryMb * MIB;
  const inodes = options.tmpfsInodes ?? 4096;
  const maxOpenFiles = options.maxOpenFiles ?? 512;
  const user = options.user ?? DEFAULT_USER;
  const { uid, gid } = numericUser(user);
  const hostConfig: SandboxHostConfig = {
    NetworkMode: 'none',
    ReadonlyRootfs: true,
    Tmpfs: {
      '/work': tmpfsMount(limits.tmpfsMb, inodes, `uid=${uid},gid=${gid},mode=0700`),
      '/tmp': tmpfsMount(limits.tmpfsMb, inodes, 'mode=1777'),
    },
    Binds: [],
    Mounts: [],
    Memory: memoryBytes,
    MemorySwap: memoryBytes,
    MemorySwappiness: 0,
    // /dev/shm is another writable tmpfs; same cap as the bwrap backend.
    ShmSize: Math.min(limits.tmpfsMb, SHM_MAX_MB) * MIB,
    PidsLimit: limits.pids,
    NanoCpus: Math.round((options.cpus ?? 1) * 1e9),
    CapDrop: ['ALL'],
    CapAdd: [],
    SecurityOpt: ['no-new-privileges', ...seccompSecurityOpt()],
    Privileged: false,
    IpcMode: 'private',
    PidMode: '',
    // Explicit, so daemon-wide defaults (init, host cgroup namespace) cannot change the sandbox.
    Init: false,
    CgroupnsMode: 'private',
    // The host's OOM killer should pick a sandbox before anything else.
    OomScoreAdj: 1000,
    LogConfig: { Type: 'none', Config: {} },
    // nproc is deliberately absent: it counts per uid across the host; PidsLimit bounds this run.
    Ulimits: [
      { Name: 'nofile', Soft: maxOpenFiles, Hard: maxOpenFiles },
      { Name: 'core', Soft: 0, Hard: 0 },
      { Name: 'fsize', Soft: limits.tmpfsMb * MIB, Hard: limits.tmpfsMb * MIB },
    ],
    AutoRemove: false,
    ...(options.runtime ? { Runtime: options.runtime } : {}),
  };
  return {
    Image: options.image,
    Entrypoint: [],
    Cmd: cmd,
    User: user,
    WorkingDir: '/work',
    Env: Object.entries(SANDBOX_ENV).map(([key, value]) => `${key}=${value}`),
    Hostname: 'sandbox',
    Labels: {
      ...options.labels,
      [DOCKER_BACKEND_LABEL]: DOCKER_BACKEND_LABEL_VALUE,
      [DOCKER_OWNER_LABEL]: ownerLabelValue(),
    },
    NetworkDisabled: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    OpenStdin: true,
    StdinOnce: true,
    Tty: false,
    StopSignal: 'SIGKILL',
    HostConfig: hostConfig,
  };
}
