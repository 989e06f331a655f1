import { AUDIT_ARCH_X86_64, BpfInsn, CLONE_NAMESPACE_FLAGS, DENIED_SYSCALLS_X86_64, encodeProgram, seccompProgram, ZYGOTE_POLICY } from './seccomp-filter';

const RET_ALLOW = 0x7fff0000;
const RET_EPERM = 0x00050001;
const RET_ENOSYS = 0x00050026;
const RET_KILL_PROCESS = 0x80000000;
const AUDIT_ARCH_I386 = 0x40000003;

/** A tiny classic-BPF interpreter for the instructions the generator emits. */
function evaluate(program: BpfInsn[], nr: number, args: number[] = [], arch = AUDIT_ARCH_X86_64): number {
  const data = Buffer.alloc(64);
  data.writeUInt32LE(nr >>> 0, 0);
  data.writeUInt32LE(arch >>> 0, 4);
  args.forEach((a, i) => data.writeUInt32LE(a >>> 0, 16 + i * 8));
  let acc = 0;
  for (let pc = 0; pc < program.length; pc++) {
    const { code, jt, jf, k } = program[pc];
    switch (code) {
      case 0x20:
        acc = data.readUInt32LE(k);
        break;
      case 0x15:
        pc += acc === k ? jt : jf;
        break;
      case 0x35:
        pc += acc >= k ? jt : jf;
        break;
      case 0x45:
        pc += (acc & k) !== 0 ? jt : jf;
        break;
      case 0x06:
        return k >>> 0;
      default:
        throw new Error(`unexpected opcode ${code}`);
    }
  }
  throw new Error('fell off the end of the program');
}

describe('seccomp program', () => {
  const program = seccompProgram();

  it('checks the architecture first and kills foreign-arch syscalls', () => {
    expect(program[0]).toEqual({ code: 0x20, jt: 0, jf: 0, k: 4 });
    expect(evaluate(program, 0, [], AUDIT_ARCH_I386)).toBe(RET_KILL_PROCESS);
  });

  it("keeps every jump inside the program and ends in a return (the zygote's program too)", () => {
    for (const p of [program, seccompProgram(ZYGOTE_POLICY)]) {
      p.forEach((insn, pc) => {
        if ((insn.code & 0x07) === 0x05) expect(pc + 1 + Math.max(insn.jt, insn.jf)).toBeLessThan(p.length);
      });
      expect(p[p.length - 1]).toEqual({ code: 0x06, jt: 0, jf: 0, k: RET_ALLOW });
      expect(encodeProgram(p)).toHaveLength(p.length * 8);
    }
  });

  it('denies the dangerous syscalls with EPERM', () => {
    const required = [
      'ptrace', 'keyctl', 'add_key', 'request_key', 'unshare', 'setns', 'mount', 'umount2', 'pivot_root', 'bpf',
      'perf_event_open', 'userfaultfd', 'kexec_load', 'kexec_file_load', 'init_module', 'finit_module', 'delete_module',
      'process_vm_readv', 'process_vm_writev', 'swapon', 'swapoff', 'reboot', 'acct', 'open_by_handle_at',
      'name_to_handle_at', 'lookup_dcookie', 'iopl', 'ioperm', 'quotactl', 'syslog', 'io_uring_setup', 'io_uring_enter',
      'io_uring_register', 'fsopen', 'move_mount', 'pidfd_getfd',
    ];
    for (const name of required) {
      const nr = DENIED_SYSCALLS_X86_64[name];
      expect(nr).toBeDefined();
      expect([name, evaluate(program, nr)]).toEqual([name, RET_EPERM]);
    }
  });

  it('rejects x32 syscalls', () => {
    expect(evaluate(program, 0x40000000 | 0)).toBe(RET_EPERM);
    expect(evaluate(program, 0x40000000 | 101)).toBe(RET_EPERM);
  });

  it('allows ordinary syscalls', () => {
    for (const nr of [0, 1, 2, 9, 57, 59, 60, 231, 257, 318, 435 - 1]) expect(evaluate(program, nr)).toBe(RET_ALLOW);
  });

  it('allows clone without namespace flags and denies it with them; clone3 is ENOSYS', () => {
    const SIGCHLD = 17;
    expect(evaluate(program, 56, [SIGCHLD])).toBe(RET_ALLOW);
    expect(evaluate(program, 56, [0x003d0f00])).toBe(RET_ALLOW);
    for (const flag of [0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000]) {
      expect(flag & CLONE_NAMESPACE_FLAGS).toBe(flag);
      expect(evaluate(program, 56, [flag | SIGCHLD])).toBe(RET_EPERM);
    }
    expect(evaluate(program, 435)).toBe(RET_ENOSYS);
  });

  it('allows only harmless personality values', () => {
    for (const ok of [0, 8, 0x20000, 0x20008, 0xffffffff]) expect(evaluate(program, 135, [ok])).toBe(RET_ALLOW);
    for (const bad of [0x0040000, 0x0400000, 0x8000000]) expect(evaluate(program, 135, [bad])).toBe(RET_EPERM);
  });
});

describe("the python zygote's own seccomp program", () => {
  const program = seccompProgram(ZYGOTE_POLICY);
  const SIGCHLD = 17;
  /** NEWNS | NEWPID | NEWNET | NEWIPC | NEWUTS: what the zygote clones its children into. */
  const CHILD_NAMESPACES = 0x00020000 | 0x20000000 | 0x40000000 | 0x08000000 | 0x04000000;

  it('lets through what building a child takes: mount, sethostname, clone into new namespaces, unshare of the cgroup namespace', () => {
    expect(evaluate(program, DENIED_SYSCALLS_X86_64.mount)).toBe(RET_ALLOW);
    expect(evaluate(program, DENIED_SYSCALLS_X86_64.sethostname)).toBe(RET_ALLOW);
    expect(evaluate(program, 56, [CHILD_NAMESPACES | SIGCHLD])).toBe(RET_ALLOW);
    expect(evaluate(program, 56, [SIGCHLD])).toBe(RET_ALLOW);
    expect(evaluate(program, DENIED_SYSCALLS_X86_64.unshare, [0x02000000])).toBe(RET_ALLOW);
  });

  it('refuses user and cgroup namespaces from clone, any other unshare, and the rest of the deny list', () => {
    expect(evaluate(program, 56, [0x10000000 | SIGCHLD])).toBe(RET_EPERM);
    expect(evaluate(program, 56, [0x02000000 | SIGCHLD])).toBe(RET_EPERM);
    for (const flags of [0, 0x10000000, 0x00020000, 0x02000000 | 0x10000000]) {
      expect(evaluate(program, DENIED_SYSCALLS_X86_64.unshare, [flags])).toBe(RET_EPERM);
    }
    const allowed = new Set(['mount', 'sethostname', 'unshare']);
    for (const [name, nr] of Object.entries(DENIED_SYSCALLS_X86_64)) {
      if (!allowed.has(name)) expect([name, evaluate(program, nr)]).toEqual([name, RET_EPERM]);
    }
    expect(evaluate(program, 435)).toBe(RET_ENOSYS);
    expect(evaluate(program, 0, [], AUDIT_ARCH_I386)).toBe(RET_KILL_PROCESS);
  });

  it('allows ordinary syscalls, and the runner program on top still refuses what the zygote allows', () => {
    for (const nr of [0, 1, 2, 9, 57, 59, 60, 231, 257, 318, 434]) expect(evaluate(program, nr)).toBe(RET_ALLOW);
    const runner = seccompProgram();
    for (const name of ['mount', 'sethostname', 'unshare']) expect(evaluate(runner, DENIED_SYSCALLS_X86_64[name], [0x02000000])).toBe(RET_EPERM);
    expect(evaluate(runner, 56, [CHILD_NAMESPACES | SIGCHLD])).toBe(RET_EPERM);
  });
});
