import type { Request } from 'express';

const PAID = Symbol('paidRoute');

/** Marks a request whose key the charge step will authenticate together with the debit. */
export function markPaidRoute(req: Request): void {
  (req as unknown as Record<symbol, boolean>)[PAID] = true;
}

export function isPaidRoute(req: Request): boolean {
  return (req as unknown as Record<symbol, boolean>)[PAID] === true;
}
