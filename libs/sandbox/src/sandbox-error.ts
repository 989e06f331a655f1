export enum SandboxErrorCode {
  /** No sandbox backend is usable; code is never run outside a sandbox. */
  Unavailable = 'unavailable',
  /** The run queue is full. */
  Capacity = 'capacity',
  InvalidRequest = 'invalid_request',
  LimitExceeded = 'limit_exceeded',
  Internal = 'internal',
}

export class SandboxError extends Error {
  constructor(
    readonly code: SandboxErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SandboxError';
  }
}
