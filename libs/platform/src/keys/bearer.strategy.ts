import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-http-bearer';
import { ApiKeyService } from './api-key.service';
import { hashKey } from './key-material';
import { isPaidRoute } from './paid-route';
import { Principal } from './principal';

@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(private readonly keys: ApiKeyService) {
    super({ passReqToCallback: true });
  }

  async validate(req: Request, token: string): Promise<Principal> {
    if (isPaidRoute(req)) return { keyHash: hashKey(token) };
    return this.keys.authenticate(token);
  }
}
