/** Milliseconds (with sub-ms fraction) of Docker's RFC 3339 nanosecond timestamps; NaN if unset. */
export function dockerTimestampMs(value: string | undefined): number {
  if (!value || value.startsWith('0001-')) return Number.NaN;
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(value);
  if (!match) return Date.parse(value);
  const whole = Date.parse(match[1] + match[3]);
  const fraction = match[2] ? Number(`0.${match[2]}`) * 1000 : 0;
  return whole + fraction;
}
