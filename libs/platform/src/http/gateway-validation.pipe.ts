import { ArgumentMetadata, Injectable, ValidationPipe } from '@nestjs/common';

/**
 * The one validation every route argument gets (the global pipe). A paid call's arguments are
 * validated ahead, before its charge (RequestArgsValidator); the result is kept for the pipe's own
 * turn on that very value, once, so the handler gets it without a second validation.
 */
@Injectable()
export class GatewayValidationPipe extends ValidationPipe {
  private readonly ahead = new WeakMap<object, Map<unknown, unknown>>();

  constructor() {
    super({ whitelist: true, forbidNonWhitelisted: true, transform: true, forbidUnknownValues: true });
  }

  /** Validates now, as transform() would, and keeps the result for transform()'s turn. */
  async validateAhead(value: unknown, metadata: ArgumentMetadata): Promise<void> {
    const result = await super.transform(value, metadata);
    if (typeof value !== 'object' || value === null) return;
    const kept = this.ahead.get(value) ?? new Map<unknown, unknown>();
    kept.set(metadata.metatype, result);
    this.ahead.set(value, kept);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const kept = typeof value === 'object' && value !== null ? this.ahead.get(value) : undefined;
    if (kept?.has(metadata.metatype)) {
      const result = kept.get(metadata.metatype);
      kept.delete(metadata.metatype);
      return result;
    }
    return super.transform(value, metadata);
  }
}
