import 'reflect-metadata';
import { BadRequestException } from '@nestjs/common';
import { IsInt, IsString, Min } from 'class-validator';
import { GatewayValidationPipe } from './gateway-validation.pipe';

class CountDto {
  @IsInt()
  @Min(1)
  count!: number;
}

class NameDto {
  @IsString()
  name!: string;
}

describe('GatewayValidationPipe', () => {
  const pipe = new GatewayValidationPipe();
  const asCount = { type: 'body' as const, metatype: CountDto };

  it('passes through, unvalidated, the instance it validated ahead for the same type', async () => {
    const dto = (await pipe.validateAhead({ count: 2 }, asCount)) as CountDto;
    expect(dto).toBeInstanceOf(CountDto);
    dto.count = 0;
    await expect(pipe.transform(dto, asCount)).resolves.toBe(dto);
  });

  it('validates everything else as the global pipe does', async () => {
    await expect(pipe.transform({ count: 0 }, asCount)).rejects.toBeInstanceOf(BadRequestException);
    await expect(pipe.transform({ count: 1, extra: true }, asCount)).rejects.toBeInstanceOf(BadRequestException);
    await expect(pipe.validateAhead({ count: 'x' }, asCount)).rejects.toBeInstanceOf(BadRequestException);
    const plain = { count: 3 };
    const dto = await pipe.transform(plain, asCount);
    expect(dto).toBeInstanceOf(CountDto);
    expect(dto).not.toBe(plain);
  });

  it('validates an instance validated ahead as another type again', async () => {
    const dto = await pipe.validateAhead({ count: 2 }, asCount);
    await expect(pipe.transform(dto, { type: 'body', metatype: NameDto })).rejects.toBeInstanceOf(BadRequestException);
  });

  it('remembers nothing it did not create', async () => {
    const raw = { count: 0 };
    await expect(pipe.validateAhead(raw, { type: 'body' })).resolves.toBe(raw);
    await expect(pipe.transform(raw, asCount)).rejects.toBeInstanceOf(BadRequestException);
  });
});
