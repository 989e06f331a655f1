import { TransformFnParams } from 'class-transformer';

/** Env values are strings; anything non-numeric becomes NaN for the validator to reject. */
export function toNumber({ value }: TransformFnParams): unknown {
  return typeof value === 'number' ? value : Number(value);
}
