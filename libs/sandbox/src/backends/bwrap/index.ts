export type { BwrapBackendOptions } from './bwrap-backend';
export { BwrapBackend } from './bwrap-backend';
export { fastSpawnAvailable } from './native/fast-spawn-addon';
export { seccompProgram, encodeProgram, DENIED_SYSCALLS_X86_64 } from './seccomp-filter';
