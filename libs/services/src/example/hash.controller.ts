import { GatewayService, ServiceRoute } from '@app/platform';
import { Body, Get, HttpCode, Post } from '@nestjs/common';
import { HashResult } from './hash-result';
import { HashService } from './hash.service';
import { HashTextDto, INPUT_ENCODINGS } from './hash-text.dto';

@GatewayService({
  name: 'hash',
  aliases: ['digest'],
  description: 'SHA-2 digests of text or binary input (the worked example of docs/adding-a-service.md)',
  cost: 1,
  rateLimit: { limit: 30, windowSec: 60 },
})
export class HashController {
  constructor(private readonly hash: HashService) {}

  @Post('sha256')
  @HttpCode(200)
  @ServiceRoute({ description: 'SHA-256 of {text, encoding?: utf8|hex|base64}' })
  sha256(@Body() body: HashTextDto): HashResult {
    return this.hash.digest('sha256', body.text, body.encoding);
  }

  @Post('sha512')
  @HttpCode(200)
  @ServiceRoute({ cost: 2, description: 'SHA-512 of {text, encoding?: utf8|hex|base64}' })
  sha512(@Body() body: HashTextDto): HashResult {
    return this.hash.digest('sha512', body.text, body.encoding);
  }

  @Get('algorithms')
  @ServiceRoute({ cost: 0, description: 'What this service can do (free)' })
  algorithms() {
    return { algorithms: ['sha256', 'sha512'], encodings: INPUT_ENCODINGS };
  }
}
