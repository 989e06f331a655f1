import { ExecutionContext, Injectable, Paramtype, Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { Request } from 'express';
import { GatewayValidationPipe } from './gateway-validation.pipe';

const CHECKED: Partial<Record<RouteParamtypes, { type: Paramtype; from: (req: Request) => Record<string, unknown> }>> = {
  [RouteParamtypes.BODY]: { type: 'body', from: (req) => req.body as Record<string, unknown> },
  [RouteParamtypes.QUERY]: { type: 'query', from: (req) => req.query as Record<string, unknown> },
  [RouteParamtypes.PARAM]: { type: 'param', from: (req) => req.params },
};

/**
 * Runs the global pipe over a handler's body, query and params ahead of the pipes' own turn
 * (which comes after interceptors), so that a paid call with bad input is refused before it is
 * charged instead of holding credit until its refund. The pipe's own turn then reuses the result.
 */
@Injectable()
export class RequestArgsValidator {
  constructor(private readonly pipe: GatewayValidationPipe) {}

  async validate(context: ExecutionContext): Promise<void> {
    const cls = context.getClass();
    const name = context.getHandler().name;
    const args: Record<string, { index: number; data?: string }> = Reflect.getMetadata(ROUTE_ARGS_METADATA, cls, name) ?? {};
    const types: Type[] = Reflect.getMetadata('design:paramtypes', cls.prototype, name) ?? [];
    const req = context.switchToHttp().getRequest<Request>();
    // Express 5 parses req.query again on every read: pinned, so the pipe's turn gets the very object validated here.
    Object.defineProperty(req, 'query', { value: req.query, writable: true, configurable: true, enumerable: true });
    for (const [key, arg] of Object.entries(args)) {
      const checked = CHECKED[Number(key.split(':')[0]) as RouteParamtypes];
      if (!checked) continue;
      const all = checked.from(req);
      const value = arg.data === undefined ? all : all?.[arg.data];
      await this.pipe.validateAhead(value, { type: checked.type, metatype: types[arg.index], data: arg.data });
    }
  }
}
