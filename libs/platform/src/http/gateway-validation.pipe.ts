import { ArgumentMetadata, Injectable, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
import { fastAcceptOf } from './fast-accept';

export const GATEWAY_VALIDATION: ValidationPipeOptions = { whitelist: true, forbidNonWhitelisted: true, transform: true, forbidUnknownValues: true };

/**
 * The one validation every route argument gets (the global pipe). A paid call's arguments are
 * validated ahead, before its charge (RequestArgsValidator); the result is kept for the pipe's own
 * turn on that very value, once, so the handler gets it without a second validation. A DTO that
 * offers `acceptFast` (FastAccepting) has the values it is sure of accepted without class-validator.
 */
@Injectable()
export class GatewayValidationPipe extends ValidationPipe {
  private readonly ahead = new WeakMap<object, { metatype: unknown; result: unknown }>();

  constructor() {
    super(GATEWAY_VALIDATION);
  }

  /** Validates now, as transform() would, and keeps the result for transform()'s turn. */
  async validateAhead(value: unknown, metadata: ArgumentMetadata): Promise<void> {
    const result = await this.validateValue(value, metadata);
    if (typeof value === 'object' && value !== null) this.ahead.set(value, { metatype: metadata.metatype, result });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const kept = typeof value === 'object' && value !== null ? this.ahead.get(value) : undefined;
    if (kept && kept.metatype === metadata.metatype) {
      this.ahead.delete(value as object);
      return kept.result;
    }
    return this.validateValue(value, metadata);
  }

  private validateValue(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Only where ValidationPipe itself validates: a custom decorator's value is not its business.
    const accepted = metadata.type === 'custom' ? undefined : fastAcceptOf(metadata.metatype)?.(value);
    return accepted !== undefined ? Promise.resolve(accepted) : super.transform(value, metadata);
  }
}
