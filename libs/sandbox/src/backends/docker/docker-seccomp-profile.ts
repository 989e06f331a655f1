import { CLONE_NAMESPACE_FLAGS, DENIED_SYSCALLS_X86_64 } from '../bwrap/seccomp-filter';

const EPERM = 1;
const ENOSYS = 38;

/** personality() flags that switch off ASLR or NX protections or map page zero. */
const DANGEROUS_PERSONALITY_FLAGS = [
  0x0040000, // ADDR_NO_RANDOMIZE
  0x0100000, // MMAP_PAGE_ZERO
  0x0400000, // READ_IMPLIES_EXEC
];

interface SeccompArg {
  index: number;
  value: number;
  valueTwo: number;
  op: 'SCMP_CMP_MASKED_EQ';
}

interface SeccompRule {
  names: string[];
  action: 'SCMP_ACT_ERRNO';
  errnoRet: number;
  args?: SeccompArg[];
}

export interface SeccompProfile {
  defaultAction: 'SCMP_ACT_ALLOW';
  architectures: string[];
  syscalls: SeccompRule[];
}

const bits = (mask: number): number[] =>
  Array.from({ length: 32 }, (_, i) => 2 ** i).filter((bit) => Math.floor(mask / bit) % 2 === 1);

const whenArg0Has = (flag: number): SeccompArg[] => [{ index: 0, value: flag, valueTwo: flag, op: 'SCMP_CMP_MASKED_EQ' }];

/**
 * Docker 20.10's default profile still allows ptrace and io_uring; this profile applies the
 * bwrap backend's denylist instead, so both backends refuse the same syscalls. Only x86_64
 * is listed: i386 and x32 entry points are refused outright. Rules for one syscall are
 * OR-ed, hence one clone rule per namespace flag.
 */
export function sandboxSeccompProfile(): SeccompProfile {
  return {
    defaultAction: 'SCMP_ACT_ALLOW',
    architectures: ['SCMP_ARCH_X86_64'],
    syscalls: [
      { names: Object.keys(DENIED_SYSCALLS_X86_64), action: 'SCMP_ACT_ERRNO', errnoRet: EPERM },
      // ENOSYS makes libc fall back to clone(), whose flags a filter can inspect.
      { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS },
      ...bits(CLONE_NAMESPACE_FLAGS).map(
        (flag): SeccompRule => ({ names: ['clone'], action: 'SCMP_ACT_ERRNO', errnoRet: EPERM, args: whenArg0Has(flag) }),
      ),
      ...DANGEROUS_PERSONALITY_FLAGS.map(
        (flag): SeccompRule => ({ names: ['personality'], action: 'SCMP_ACT_ERRNO', errnoRet: EPERM, args: whenArg0Has(flag) }),
      ),
    ],
  };
}

/** The profile applies only where the x86_64 denylist is meaningful; elsewhere Docker's default stays. */
export function seccompSecurityOpt(): string[] {
  return process.arch === 'x64' ? [`seccomp=${JSON.stringify(sandboxSeccompProfile())}`] : [];
}
