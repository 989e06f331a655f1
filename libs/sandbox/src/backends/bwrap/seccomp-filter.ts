/**
 * A classic-BPF seccomp program for bwrap's --seccomp FD, generated here so no build-time
 * tool is needed. Denylist in the spirit of Docker's default profile, plus ptrace and friends.
 */

export const AUDIT_ARCH_X86_64 = 0xc000003e;
const X32_SYSCALL_BIT = 0x40000000;

const SECCOMP_RET_KILL_PROCESS = 0x80000000;
const SECCOMP_RET_ERRNO = 0x00050000;
const SECCOMP_RET_ALLOW = 0x7fff0000;
const EPERM = 1;
const ENOSYS = 38;

const BPF_LD_W_ABS = 0x20;
const BPF_JEQ_K = 0x15;
const BPF_JGE_K = 0x35;
const BPF_JSET_K = 0x45;
const BPF_RET_K = 0x06;

const OFFSET_NR = 0;
const OFFSET_ARCH = 4;
/** Low 32 bits of args[0] (little endian). */
const OFFSET_ARG0 = 16;

/** x86_64 numbers of syscalls that fail with EPERM inside the sandbox. */
export const DENIED_SYSCALLS_X86_64: Readonly<Record<string, number>> = Object.freeze({
  ptrace: 101,
  syslog: 103,
  uselib: 134,
  ustat: 136,
  sysfs: 139,
  vhangup: 153,
  pivot_root: 155,
  _sysctl: 156,
  chroot: 161,
  acct: 163,
  settimeofday: 164,
  mount: 165,
  umount2: 166,
  swapon: 167,
  swapoff: 168,
  reboot: 169,
  sethostname: 170,
  setdomainname: 171,
  iopl: 172,
  ioperm: 173,
  create_module: 174,
  init_module: 175,
  delete_module: 176,
  get_kernel_syms: 177,
  query_module: 178,
  quotactl: 179,
  nfsservctl: 180,
  lookup_dcookie: 212,
  clock_settime: 227,
  mbind: 237,
  set_mempolicy: 238,
  get_mempolicy: 239,
  kexec_load: 246,
  add_key: 248,
  request_key: 249,
  keyctl: 250,
  migrate_pages: 256,
  unshare: 272,
  move_pages: 279,
  perf_event_open: 298,
  fanotify_init: 300,
  name_to_handle_at: 303,
  open_by_handle_at: 304,
  clock_adjtime: 305,
  setns: 308,
  process_vm_readv: 310,
  process_vm_writev: 311,
  kcmp: 312,
  finit_module: 313,
  kexec_file_load: 320,
  bpf: 321,
  userfaultfd: 323,
  io_uring_setup: 425,
  io_uring_enter: 426,
  io_uring_register: 427,
  open_tree: 428,
  move_mount: 429,
  fsopen: 430,
  fsconfig: 431,
  fsmount: 432,
  fspick: 433,
  pidfd_getfd: 438,
  mount_setattr: 442,
  quotactl_fd: 443,
  memfd_secret: 447,
  set_mempolicy_home_node: 450,
  open_tree_attr: 467,
});

const SYS_CLONE = 56;
const SYS_CLONE3 = 435;
const SYS_PERSONALITY = 135;
const SYS_UNSHARE = 272;

/** CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET, as Docker masks them. */
export const CLONE_NAMESPACE_FLAGS = 0x7e020000;
export const CLONE_NEWUSER = 0x10000000;
export const CLONE_NEWCGROUP = 0x02000000;

/** personality() values Docker allows: PER_LINUX, PER_LINUX32, UNAME26 variants, query. */
const ALLOWED_PERSONALITIES = [0x0, 0x8, 0x20000, 0x20008, 0xffffffff];

export interface BpfInsn {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

/**
 * What a filter refuses beyond the architecture checks. The runner's: the whole deny list and
 * every namespace flag of clone. The Python zygote's own (it builds namespaces for its children,
 * which then install the runner's on top): the deny list but for what that takes.
 */
export interface SeccompPolicy {
  /** Names from DENIED_SYSCALLS_X86_64 this policy lets through. */
  allow: readonly string[];
  /** clone() fails with EPERM when any of these flags is set. */
  deniedCloneFlags: number;
  /** unshare() succeeds with exactly these flags and fails with EPERM otherwise; unset: denied. */
  unshareOnly?: number;
}

export const RUNNER_POLICY: SeccompPolicy = { allow: [], deniedCloneFlags: CLONE_NAMESPACE_FLAGS };
export const ZYGOTE_POLICY: SeccompPolicy = {
  allow: ['mount', 'sethostname'],
  deniedCloneFlags: CLONE_NEWUSER | CLONE_NEWCGROUP,
  unshareOnly: CLONE_NEWCGROUP,
};

const stmt = (code: number, k: number): BpfInsn => ({ code, jt: 0, jf: 0, k: k >>> 0 });
const jump = (code: number, k: number, jt: number, jf: number): BpfInsn => ({ code, jt, jf, k: k >>> 0 });
const errno = (e: number) => stmt(BPF_RET_K, SECCOMP_RET_ERRNO | e);
const allow = () => stmt(BPF_RET_K, SECCOMP_RET_ALLOW);

export function seccompProgram(policy: SeccompPolicy = RUNNER_POLICY): BpfInsn[] {
  const p: BpfInsn[] = [
    stmt(BPF_LD_W_ABS, OFFSET_ARCH),
    jump(BPF_JEQ_K, AUDIT_ARCH_X86_64, 1, 0),
    // i386 (int 0x80) syscalls have another arch and other numbers: never let them through.
    stmt(BPF_RET_K, SECCOMP_RET_KILL_PROCESS),
    stmt(BPF_LD_W_ABS, OFFSET_NR),
    jump(BPF_JGE_K, X32_SYSCALL_BIT, 0, 1),
    errno(EPERM),
  ];
  if (policy.unshareOnly !== undefined) {
    p.push(jump(BPF_JEQ_K, SYS_UNSHARE, 0, 4), stmt(BPF_LD_W_ABS, OFFSET_ARG0), jump(BPF_JEQ_K, policy.unshareOnly, 1, 0), errno(EPERM), allow());
  }
  for (const [name, nr] of Object.entries(DENIED_SYSCALLS_X86_64)) {
    if (!policy.allow.includes(name)) p.push(jump(BPF_JEQ_K, nr, 0, 1), errno(EPERM));
  }
  // ENOSYS makes glibc fall back to clone(), whose flags a classic filter can inspect.
  p.push(jump(BPF_JEQ_K, SYS_CLONE3, 0, 1), errno(ENOSYS));

  p.push(
    jump(BPF_JEQ_K, SYS_CLONE, 0, 4),
    stmt(BPF_LD_W_ABS, OFFSET_ARG0),
    jump(BPF_JSET_K, policy.deniedCloneFlags, 0, 1),
    errno(EPERM),
    allow(),
  );

  const n = ALLOWED_PERSONALITIES.length;
  p.push(jump(BPF_JEQ_K, SYS_PERSONALITY, 0, n + 3), stmt(BPF_LD_W_ABS, OFFSET_ARG0));
  ALLOWED_PERSONALITIES.forEach((v, i) => p.push(jump(BPF_JEQ_K, v, n - i, 0)));
  p.push(errno(EPERM), allow());

  p.push(allow());
  return p;
}

/** struct sock_filter[] as the kernel (and bwrap --seccomp) expects it. */
export function encodeProgram(program: readonly BpfInsn[]): Buffer {
  const buf = Buffer.alloc(program.length * 8);
  program.forEach((insn, i) => {
    buf.writeUInt16LE(insn.code, i * 8);
    buf.writeUInt8(insn.jt, i * 8 + 2);
    buf.writeUInt8(insn.jf, i * 8 + 3);
    buf.writeUInt32LE(insn.k, i * 8 + 4);
  });
  return buf;
}

export function seccompSupported(): boolean {
  return process.arch === 'x64';
}

let cached: Buffer | undefined;
export function seccompFilterBytes(): Buffer {
  return (cached ??= encodeProgram(seccompProgram()));
}

let cachedZygote: Buffer | undefined;
export function zygoteSeccompFilterBytes(): Buffer {
  return (cachedZygote ??= encodeProgram(seccompProgram(ZYGOTE_POLICY)));
}
