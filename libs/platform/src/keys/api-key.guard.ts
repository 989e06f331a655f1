import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ServiceRegistry } from '../catalog/service-registry.service';
import { KeysErrorCode, KeysException } from './keys.exception';
import { markPaidRoute } from './paid-route';
import { Principal } from './principal';
import { REQUIRE_API_KEY } from './require-api-key.decorator';

@Injectable()
export class ApiKeyGuard extends AuthGuard('bearer') {
  constructor(
    private readonly reflector: Reflector,
    private readonly registry: ServiceRegistry,
  ) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const handler = context.getHandler();
    const route = this.registry.routeFor(handler);
    if (!route && !this.reflector.get<boolean>(REQUIRE_API_KEY, handler)) return true;
    const req = context.switchToHttp().getRequest();
    // passport-http-bearer also takes ?access_token= or a body field when the header is not Bearer; a key in a URL ends up in logs.
    const header: unknown = req.headers?.authorization;
    if (!header) throw new KeysException(KeysErrorCode.MissingKey, 'Send your key as "Authorization: Bearer <key>"');
    if (typeof header !== 'string' || !/^bearer +\S/i.test(header)) throw malformedHeader();
    if (route && route.cost > 0) markPaidRoute(req);
    return super.canActivate(context);
  }

  override handleRequest<T = Principal>(err: unknown, user: T | false): T {
    if (err) throw err;
    if (user) return user;
    // canActivate() already refused a missing or non-Bearer header.
    throw malformedHeader();
  }
}

const malformedHeader = () => new KeysException(KeysErrorCode.InvalidKey, 'Malformed Authorization header; expected "Bearer <key>"');
