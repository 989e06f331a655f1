import { ArgumentMetadata, Injectable, ValidationPipe } from '@nestjs/common';

/**
 * The one validation every route argument gets (the global pipe). A paid route's body is
 * validated ahead of the debit (RequestArgsValidator); the instance that came out of that is
 * remembered here and passed through when the pipes get their turn, instead of validated twice.
 */
@Injectable()
export class GatewayValidationPipe extends ValidationPipe {
  /** Instance → the metatype it was validated as; only what validation itself created. */
  private static readonly validated = new WeakMap<object, ArgumentMetadata['metatype']>();

  constructor() {
    super({ whitelist: true, forbidNonWhitelisted: true, transform: true, forbidUnknownValues: true });
  }

  /** Validates and transforms like the global pipe, and remembers an instance it created. */
  async validateAhead(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const result: unknown = await super.transform(value, metadata);
    if (typeof result === 'object' && result !== null && result !== value) GatewayValidationPipe.validated.set(result, metadata.metatype);
    return result;
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (typeof value === 'object' && value !== null && metadata.metatype !== undefined && GatewayValidationPipe.validated.get(value) === metadata.metatype) {
      return value;
    }
    return super.transform(value, metadata);
  }
}
