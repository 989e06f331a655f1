import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { Request } from 'express';
import { requestIdOf } from './request-id.middleware';

/** The id of this request, as sent in X-Request-Id and written on its ledger rows. */
export const RequestId = createParamDecorator((_: unknown, ctx: ExecutionContext) => requestIdOf(ctx.switchToHttp().getRequest<Request>()));
