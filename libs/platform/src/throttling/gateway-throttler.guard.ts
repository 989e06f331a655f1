import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { Principal } from '../keys/principal';

/** Tracks callers by key (its hash) when one is presented, by client IP otherwise. */
@Injectable()
export class GatewayThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const principal = req.user as Principal | undefined;
    return principal ? `key:${principal.keyHash.slice(0, 32)}` : `ip:${String(req.ip)}`;
  }
}
