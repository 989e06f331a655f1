import { toErrorResponse } from '../errors/error-body';

/**
 * A paid call is refunded when it failed for the platform's own reasons (5xx)
 * or was rejected as bad input before the service did any work (400, 413).
 * Anything else — a 200 whose user code failed, a 404 for a name that does not
 * exist — was real work and stays charged.
 */
export function isRefundable(err: unknown): boolean {
  const { status } = toErrorResponse(err);
  return status >= 500 || status === 400 || status === 413;
}
