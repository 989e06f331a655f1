import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Observable, catchError, from, lastValueFrom, mergeMap, of, throwError } from 'rxjs';
import { ServiceRegistry } from '../catalog/service-registry.service';
import { Principal } from '../keys/principal';
import { RequestArgsValidator } from '../http/request-args.validator';
import { requestIdOf } from '../http/request-id.middleware';
import { Charge, CreditsService, KeyCharge } from './credits.service';
import { isRefundable } from './refund-policy';

export const CREDITS_HEADER = 'X-Credits-Remaining';

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * The charge step: input validated first (bad input is never charged), then a debit before the
 * service's answer, and a refund when the failure is ours. A key
 * debited moments ago with enough left (FundedKeys) has its handler start beside its debit; the
 * answer still waits for the debit, and a failed debit is the answer (the handler's is dropped).
 * Paid handlers answer with one value (the last one counts), as every service route here does.
 */
@Injectable()
export class CreditsInterceptor implements NestInterceptor {
  constructor(
    private readonly registry: ServiceRegistry,
    private readonly credits: CreditsService,
    private readonly args: RequestArgsValidator,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const route = this.registry.routeFor(context.getHandler());
    const req = context.switchToHttp().getRequest<Request>();
    const principal = req.user as Principal | undefined;
    if (!route || route.cost === 0 || !principal) return next.handle();
    await this.args.validate(context);
    const res = context.switchToHttp().getResponse<Response>();
    const keyCharge: KeyCharge = { keyHash: principal.keyHash, cost: route.cost, service: route.service, requestId: requestIdOf(req) };
    const release = this.credits.reserveHeadStart(principal.keyHash, route.cost);
    if (!release) {
      const charge = await this.debit(keyCharge, principal, res);
      return this.refundOnFailure(next.handle(), charge, res);
    }
    const handled = settle(lastValueFrom(next.handle(), { defaultValue: undefined }));
    let charge: Charge;
    try {
      charge = await this.debit(keyCharge, principal, res);
    } finally {
      release();
    }
    const outcome = await handled;
    return this.refundOnFailure(outcome.ok ? of(outcome.value) : throwError(() => outcome.error), charge, res);
  }

  private async debit(c: KeyCharge, principal: Principal, res: Response): Promise<Charge> {
    const debited = await this.credits.debit(c);
    principal.keyId = debited.keyId;
    res.setHeader(CREDITS_HEADER, debited.balance);
    return { keyId: debited.keyId, cost: c.cost, service: c.service, requestId: c.requestId };
  }

  private refundOnFailure(answer: Observable<unknown>, charge: Charge, res: Response): Observable<unknown> {
    return answer.pipe(
      catchError((err: unknown) => from(this.refundIfOwed(err, charge, res)).pipe(mergeMap(() => throwError(() => err)))),
    );
  }

  private async refundIfOwed(err: unknown, charge: Charge, res: Response): Promise<void> {
    if (!isRefundable(err)) return;
    const balance = await this.credits.refund(charge);
    if (!res.headersSent) res.setHeader(CREDITS_HEADER, balance);
  }
}

function settle(p: Promise<unknown>): Promise<Settled> {
  return p.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}
