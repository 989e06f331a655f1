import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Observable, catchError, from, mergeMap, throwError } from 'rxjs';
import { ServiceRegistry } from '../catalog/service-registry.service';
import { Principal } from '../keys/principal';
import { requestIdOf } from '../http/request-id.middleware';
import { Charge, CreditsService } from './credits.service';
import { isRefundable } from './refund-policy';

export const CREDITS_HEADER = 'X-Credits-Remaining';

/** The charge step: debit before the service runs, refund when the failure is ours. */
@Injectable()
export class CreditsInterceptor implements NestInterceptor {
  constructor(
    private readonly registry: ServiceRegistry,
    private readonly credits: CreditsService,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const route = this.registry.routeFor(context.getHandler());
    const req = context.switchToHttp().getRequest<Request>();
    const principal = req.user as Principal | undefined;
    if (!route || route.cost === 0 || !principal) return next.handle();
    const res = context.switchToHttp().getResponse<Response>();
    const requestId = requestIdOf(req);
    const debited = await this.credits.debit({ keyHash: principal.keyHash, cost: route.cost, service: route.service, requestId });
    principal.keyId = debited.keyId;
    const charge: Charge = { keyId: debited.keyId, cost: route.cost, service: route.service, requestId };
    res.setHeader(CREDITS_HEADER, debited.balance);
    return next.handle().pipe(
      catchError((err: unknown) =>
        from(this.refundIfOwed(err, charge, res)).pipe(mergeMap(() => throwError(() => err))),
      ),
    );
  }

  private async refundIfOwed(err: unknown, charge: Charge, res: Response): Promise<void> {
    if (!isRefundable(err)) return;
    const balance = await this.credits.refund(charge);
    if (!res.headersSent) res.setHeader(CREDITS_HEADER, balance);
  }
}
