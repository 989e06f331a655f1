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
});
