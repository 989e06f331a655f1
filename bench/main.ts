import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchGatewayOverhead } from './gateway-overhead.bench';
import { closeAgent } from './http-client';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const requests = flag('requests', 2000);
  const seconds = flag('seconds', 10);
  const startedAt = new Date().toISOString();
  console.log(`bench: gateway overhead (${requests} sequential requests each, then ${seconds}s at concurrency 8)`);
  const overhead = await benchGatewayOverhead(requests, seconds);
  console.table({
    'bare Nest route': { p50: overhead.bare.latency.p50, p95: overhead.bare.latency.p95, p99: overhead.bare.latency.p99, 'req/s (c=8)': overhead.bare.rps },
    'paid gateway route': { p50: overhead.paid.latency.p50, p95: overhead.paid.latency.p95, p99: overhead.paid.latency.p99, 'req/s (c=8)': overhead.paid.rps },
  });
  console.log(`gateway overhead p50: ${overhead.overheadP50Ms} ms (ratio ${overhead.ratioP50}×), paid-route errors: ${overhead.paid.errors}`);
  const dir = join(process.cwd(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ startedAt, machine: { cores: require('node:os').cpus().length }, overhead }, null, 2));
  console.log(`results: ${file}`);
  closeAgent();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
