import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { rootfsInfo } from '@app/sandbox';
import { BackendName, benchCoderunner } from './coderunner.bench';
import { numberFlag } from './cli-flags';
import { benchGatewayOverhead } from './gateway-overhead.bench';
import { closeAgent } from './http-client';

function availableBackends(): BackendName[] {
  const info = rootfsInfo();
  const out: BackendName[] = [];
  if (existsSync(info.dir)) out.push('bwrap');
  try {
    execFileSync('docker', ['image', 'inspect', info.imageTag], { stdio: 'ignore' });
    out.push('docker');
  } catch {
    console.warn('!!! docker image missing or no daemon: the docker backend is not measured');
  }
  return out;
}

async function main(): Promise<void> {
  const requests = numberFlag('requests', 100);
  const seconds = numberFlag('seconds', 30);
  const paceMs = numberFlag('pace-ms', 200);
  const overheadRequests = numberFlag('overhead-requests', 2000);
  const startedAt = new Date().toISOString();
  const backends = availableBackends();

  console.log(`\n== gateway overhead (${overheadRequests} sequential requests each, ${requests} paid ones ${paceMs} ms apart, then 10 s at concurrency 8)`);
  const overhead = await benchGatewayOverhead(overheadRequests, 10, paceMs, requests);
  console.table({
    'bare Nest route': { p50: overhead.bare.latency.p50, p95: overhead.bare.latency.p95, p99: overhead.bare.latency.p99, 'req/s c=8': overhead.bare.rps },
    'paid gateway route': { p50: overhead.paid.latency.p50, p95: overhead.paid.latency.p95, p99: overhead.paid.latency.p99, 'req/s c=8': overhead.paid.rps },
    [`paid route, ${paceMs} ms apart`]: { p50: overhead.paidPaced.p50, p95: overhead.paidPaced.p95, p99: overhead.paidPaced.p99, 'req/s c=8': '—' },
  });
  console.log(`gateway overhead p50 ${overhead.overheadP50Ms} ms (${overhead.ratioP50}× a bare route), errors ${overhead.paid.errors}`);

  console.log(
    `\n== coderunner end to end over HTTP (${requests} sequential runs per language, each once every warm pool is full again and after ${paceMs} ms of idle, languages interleaved with each other and with the bare spawns; then back to back; then ${seconds} s of python at concurrency 8 with the CPU it cost)`,
  );
  const coderunner = await benchCoderunner({ backends, requests, paceMs, throughputSeconds: seconds, env: {} });
  console.table(
    coderunner.latency.map((r) => ({
      backend: r.backend,
      language: r.language,
      'p50 ms': r.e2e.p50,
      'p95 ms': r.e2e.p95,
      'p99 ms': r.e2e.p99,
      'waited for refill': `${r.refillWaits.count}×, max ${r.refillWaits.maxMs} ms`,
      'back-to-back p50': r.backToBack.p50,
      baseline: r.baseline,
      'baseline p50': r.baselineP50,
      ratio: r.ratio,
      'baseline back to back': r.baselineBackToBackP50 ?? '—',
      'ratio to it': r.ratioVsBackToBack ?? '—',
    })),
  );
  console.log('where the paced runs\' time went, p50 ms (from each response\'s Server-Timing; each part its own p50):');
  console.table(
    coderunner.latency.map((r) => ({
      backend: r.backend,
      language: r.language,
      'e2e p50': r.e2e.p50,
      'client + HTTP': r.split.clientAndHttpP50,
      'gateway (auth, validation, debit, JSON)': r.split.gatewayP50,
      'service (queue, sandbox run)': r.split.serviceP50,
    })),
  );
  console.table(
    coderunner.throughput.map((t) => ({
      backend: t.backend,
      language: t.language,
      'execs/s': t.execsPerSec,
      errors: t.errors,
      'CPU ms/exec': t.cpuMsPerExec,
      'gateway process': t.gatewayCpuMsPerExec,
      'sandboxes and rest': t.otherCpuMsPerExec,
      'idle share': t.idleShare,
      'CPU-bound ceiling /s': t.cpuBoundExecsPerSec,
    })),
  );
  console.log(
    `bare spawn CPU (whole machine, per back-to-back spawn): ${Object.entries(coderunner.bareCpuMsPerSpawn)
      .filter(([lang]) => lang !== 'typescript')
      .map(([lang, ms]) => `${lang} ${ms} ms`)
      .join(', ')}`,
  );
  for (const f of coderunner.failures) console.error(`!!! ${f.backend} failed: ${f.error}`);

  const dir = join(process.cwd(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ startedAt, machine: { cores: cpus().length, model: cpus()[0]?.model }, overhead, coderunner }, null, 2));
  console.log(`\nresults: ${file}`);
  closeAgent();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
