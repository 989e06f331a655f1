import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { AdminConfig } from '../config/admin.config';
import { GatewayErrorCode, GatewayException } from '../errors/gateway.exception';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** With no ADMIN_TOKEN the admin API does not exist (404); a wrong token is 401. */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly expected?: Buffer;

  constructor(config: AdminConfig) {
    this.expected = config.token ? digest(config.token) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) throw new GatewayException(GatewayErrorCode.NotFound, 'The admin API is disabled (set ADMIN_TOKEN to enable it)');
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const match = /^Bearer (.+)$/.exec(header);
    if (!match || !timingSafeEqual(digest(match[1]), this.expected)) {
      throw new GatewayException(GatewayErrorCode.Unauthorized, 'Admin routes need "Authorization: Bearer <ADMIN_TOKEN>"');
    }
    return true;
  }
}
