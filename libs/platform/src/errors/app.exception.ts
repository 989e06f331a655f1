/** Base of every module's exception: a stable string code, a human message, an HTTP status. */
export class AppException extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
