import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { GATEWAY_VALIDATION } from '@app/platform';
import { ExecuteDto, RunFileDto } from './execute.dto';

const full = new ValidationPipe(GATEWAY_VALIDATION);
const meta = { type: 'body' as const, metatype: ExecuteDto };
const byDecorators = (v: unknown) => full.transform(v, meta).then((dto: unknown) => ({ ok: true as const, dto }), () => ({ ok: false as const }));

const VALID: Record<string, unknown>[] = [
  { language: 'python', code: 'print(1)' },
  { language: 'js', code: '', stdin: 'x\ny', args: ['a b', ''], timeoutMs: 500, memoryMb: 64 },
  { language: 'x'.repeat(32), code: 'é€😀', files: [{ name: 'a/b.txt', content: '' }, { name: 'n'.repeat(255), content: 'c' }] },
  { language: 'bash', code: 'echo', args: Array(64).fill('a'), files: Array(32).fill({ name: 'f', content: 'x' }), timeoutMs: -1, memoryMb: 0 },
];

const ODD: unknown[] = [
  null, 'text', [], [{ language: 'py', code: '' }], Object.create(null),
  { code: 'x' }, { language: 'py' }, { language: 1, code: 'x' }, { language: 'x'.repeat(33), code: '' },
  { language: '😀'.repeat(17), code: '' }, { language: 'py', code: 'x', stdin: null }, { language: 'py', code: 'x', extra: 1 },
  JSON.parse('{"language":"py","code":"x","__proto__":{"admin":true}}'), JSON.parse('{"language":"py","code":"x","constructor":{}}'),
  { language: 'py', code: 'x', args: 'a' }, { language: 'py', code: 'x', args: [1] }, { language: 'py', code: 'x', args: Array(65).fill('a') },
  { language: 'py', code: 'x', files: [null] }, { language: 'py', code: 'x', files: [['a']] }, { language: 'py', code: 'x', files: [{ name: 'a' }] },
  { language: 'py', code: 'x', files: [{ name: 'a', content: 'b', mode: 7 }] }, { language: 'py', code: 'x', files: [{ name: 'n'.repeat(256), content: '' }] },
  { language: 'py', code: 'x', files: Array(33).fill({ name: 'f', content: '' }) }, { language: 'py', code: 'x', files: {} },
  { language: 'py', code: 'x', timeoutMs: 1.5 }, { language: 'py', code: 'x', timeoutMs: '5' }, { language: 'py', code: 'x', memoryMb: null },
  { language: 'py', code: 'x', timeoutMs: Infinity }, { language: 'py', code: 'x', args: null }, { language: 'py', code: 'x', files: [Object.create(null)] },
];

/** Bodies made of the pieces above, valid and not, in many combinations. */
function* mixed(seed: number, n: number): Generator<unknown> {
  const pick = <T>(xs: T[]) => xs[(seed = (seed * 48271) % 2147483647) % xs.length];
  const values = [undefined, null, '', 'py', 'x'.repeat(40), 0, 2.5, -3, [], ['a'], [1], {}, { name: 'a', content: 'b' }, [{ name: 'a', content: 'b' }], [{ name: 1, content: 'b' }]];
  const keys = ['language', 'code', 'stdin', 'args', 'files', 'timeoutMs', 'memoryMb', 'other'];
  for (let i = 0; i < n; i++) {
    const body: Record<string, unknown> = { language: 'py', code: 'x' };
    for (let k = 0; k < 3; k++) body[pick(keys)] = pick(values);
    yield body;
  }
}

describe('ExecuteDto.acceptFast', () => {
  it('accepts the plain valid bodies, and makes what the decorators make of them', async () => {
    for (const body of VALID) {
      const fast = ExecuteDto.acceptFast(body);
      expect(fast).toBeInstanceOf(ExecuteDto);
      const slow = await byDecorators(body);
      expect(slow.ok).toBe(true);
      expect(fast).toStrictEqual(slow.ok && slow.dto);
      for (const f of fast!.files ?? []) expect(f).toBeInstanceOf(RunFileDto);
    }
  });

  it('accepts nothing the decorators refuse, and gives the same value for what it accepts', async () => {
    let accepted = 0;
    for (const body of [...VALID, ...ODD, ...mixed(7, 3000)]) {
      const fast = ExecuteDto.acceptFast(body);
      if (fast === undefined) continue;
      accepted++;
      const slow = await byDecorators(body);
      expect({ body, ok: slow.ok }).toEqual({ body, ok: true });
      expect(fast).toStrictEqual(slow.ok && slow.dto);
    }
    expect(accepted).toBeGreaterThan(VALID.length);
  });

  it('leaves the odd bodies to class-validator', () => {
    for (const body of ODD) expect(ExecuteDto.acceptFast(body)).toBeUndefined();
  });
});
