/** The metrics of a Server-Timing header: name → milliseconds. */
export function serverTiming(header: string | null): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().split(';');
    const dur = params.map((p) => /^dur=([\d.]+)$/.exec(p.trim())).find(Boolean);
    if (name && dur) metrics[name] = Number(dur[1]);
  }
  return metrics;
}
