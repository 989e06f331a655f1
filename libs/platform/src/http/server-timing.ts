import type { Request, Response } from 'express';

const TIMING = Symbol('serverTiming');

interface Timing {
  start: number;
  serviceMs?: number;
}

const msSince = (t: number) => performance.now() - t;

/**
 * Every response says where its time went, in a Server-Timing header set as its headers go out:
 * `gateway` from the first middleware on (auth, throttle, validation, debit, the service,
 * serialization) and, for a route that got past auth, throttle and the charge, `service` (its
 * argument pipes and handler: for the code runner, whose body was validated ahead of the charge,
 * queueing and the sandbox run). Milliseconds; what is left of the caller's wall time is the
 * network and its own HTTP client. A Server-Timing a handler set is kept, ours appended.
 */
export function serverTimingMiddleware(req: Request, res: Response, next: () => void): void {
  const timing: Timing = { start: performance.now() };
  (req as unknown as Record<symbol, Timing>)[TIMING] = timing;
  const writeHead = res.writeHead;
  res.writeHead = function (this: Response, ...args: unknown[]) {
    if (!this.headersSent) {
      const prior = this.getHeader('Server-Timing');
      this.setHeader('Server-Timing', prior === undefined ? header(timing) : `${String(prior)}, ${header(timing)}`);
    }
    return (writeHead as (...a: unknown[]) => Response).apply(this, args);
  } as Response['writeHead'];
  next();
}

/** Marks the start of the route handler; the returned function, its end. */
export function timeService(req: Request): () => void {
  const timing = (req as unknown as Record<symbol, Timing | undefined>)[TIMING];
  if (!timing) return () => undefined;
  const start = performance.now();
  return () => (timing.serviceMs ??= msSince(start));
}

function header(t: Timing): string {
  const gateway = `gateway;dur=${msSince(t.start).toFixed(2)}`;
  return t.serviceMs === undefined ? gateway : `${gateway}, service;dur=${t.serviceMs.toFixed(2)}`;
}
