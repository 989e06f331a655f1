import { Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { KeysConfig } from '../config/keys.config';
import { KeyCreationLimit } from '../throttling/key-creation-limit.decorator';
import { ApiKeyService } from './api-key.service';
import { Principal } from './principal';
import { RequireApiKey } from './require-api-key.decorator';

@Controller('api/keys')
export class KeysController {
  constructor(
    private readonly keys: ApiKeyService,
    private readonly config: KeysConfig,
  ) {}

  @Post('create')
  @HttpCode(201)
  @KeyCreationLimit()
  async create() {
    const created = await this.keys.create(this.config.freeCredits, null, 'signup grant');
    return {
      id: created.id,
      key: created.key,
      credits: created.credits,
      createdAt: created.createdAt,
      note: 'Store this key now: it is shown only once.',
    };
  }

  @Get('me')
  @RequireApiKey()
  async me(@Req() req: Request) {
    const keyId = (req.user as Principal).keyId as string;
    const [key, usage] = await Promise.all([this.keys.get(keyId), this.keys.usage(keyId)]);
    return {
      id: key.id,
      keyPrefix: key.keyPrefix,
      label: key.label,
      credits: key.credits,
      disabled: key.disabled,
      createdAt: key.createdAt,
      lastUsedAt: key.lastUsedAt,
      usage,
    };
  }
}
