import { BadRequestException } from '@nestjs/common';
import { IsString, ValidateBy } from 'class-validator';
import { GatewayValidationPipe } from './gateway-validation.pipe';

let checks = 0;

class CountedDto {
  @ValidateBy({ name: 'counted', validator: { validate: (v: unknown) => (checks++, typeof v === 'number') } })
  n!: number;
}

class OtherDto {
  @IsString()
  s!: string;
}

describe('GatewayValidationPipe', () => {
  const pipe = new GatewayValidationPipe();
  const meta = { type: 'body' as const, metatype: CountedDto };
  beforeEach(() => (checks = 0));

  it("serves a value validated ahead to the pipe's own turn once, without validating it again", async () => {
    const body = { n: 1 };
    await pipe.validateAhead(body, meta);
    const first = await pipe.transform(body, meta);
    expect(first).toBeInstanceOf(CountedDto);
    expect(first).toEqual({ n: 1 });
    expect(checks).toBe(1);
    const second = await pipe.transform(body, meta);
    expect(second).toBeInstanceOf(CountedDto);
    expect(second).not.toBe(first);
    expect(checks).toBe(2);
  });

  it('validates what was not validated ahead, and keeps nothing from a value that failed', async () => {
    await expect(pipe.transform({ n: 2 }, meta)).resolves.toBeInstanceOf(CountedDto);
    const bad = { n: 'x' };
    await expect(pipe.validateAhead(bad, meta)).rejects.toBeInstanceOf(BadRequestException);
    await expect(pipe.transform(bad, meta)).rejects.toBeInstanceOf(BadRequestException);
    await expect(pipe.transform({ n: 1, extra: true }, meta)).rejects.toBeInstanceOf(BadRequestException);
    expect(checks).toBe(4);
  });

  it("never serves one type's result for another type's turn on the same value", async () => {
    const body = { n: 1 };
    await pipe.validateAhead(body, meta);
    await expect(pipe.transform(body, { type: 'body', metatype: OtherDto })).rejects.toBeInstanceOf(BadRequestException);
    await expect(pipe.transform(body, meta)).resolves.toBeInstanceOf(CountedDto);
    expect(checks).toBe(1);
  });

  it('takes a DTO\'s own acceptFast, never one a subclass inherits, and leaves the rest to class-validator', async () => {
    class Fast {
      @IsString()
      s!: string;

      static acceptFast(v: unknown): Fast | undefined {
        return typeof v === 'object' && v !== null && Object.keys(v).join() === 's' ? Object.assign(new Fast(), v, { fast: true }) : undefined;
      }
    }
    class Stricter extends Fast {
      @IsString()
      t!: string;
    }
    await expect(pipe.transform({ s: 'a' }, { type: 'body', metatype: Fast })).resolves.toEqual({ s: 'a', fast: true });
    await expect(pipe.transform({ s: 'a', extra: 1 }, { type: 'body', metatype: Fast })).rejects.toBeInstanceOf(BadRequestException);
    await expect(pipe.transform({ s: 'a' }, { type: 'body', metatype: Stricter })).rejects.toBeInstanceOf(BadRequestException);
    await expect(pipe.transform({ s: 'a', t: 'b' }, { type: 'body', metatype: Stricter })).resolves.not.toHaveProperty('fast');
  });
});
