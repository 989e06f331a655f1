import { TransformFnParams } from 'class-transformer';

/** 'true'/'1'/'yes' and 'false'/'0'/'no'; anything else is left for the validator to reject. */
export function toBool({ value }: TransformFnParams): unknown {
  if (typeof value === 'boolean') return value;
  const v = String(value).trim().toLowerCase();
  if (['true', '1', 'yes'].includes(v)) return true;
  if (['false', '0', 'no'].includes(v)) return false;
  return value;
}
