import autocannon from 'autocannon';
import { rootfsInfo, warmRuntimeOf, WarmPoolStats } from '@app/sandbox';
import type { Language } from '@app/sandbox';
import { benchSpawn } from './bare-spawn';
import { httpCall } from './http-client';
import { startServer } from './server-process';
import { LatencyStats, timeSequential } from './stats';
import { TRIVIAL } from './trivial-programs';

export type BackendName = 'bwrap' | 'docker';

export interface LanguageRow {
  backend: BackendName;
  language: string;
  /**
   * One request at a time, at least `paceMs` apart and each once the language's warm pool is
   * full again (as /health reports it): the latency of a request that finds a warm sandbox.
   */
  e2e: LatencyStats;
  /** Paced requests that had to wait past the pace for the refill, and the longest such wait. */
  refillWaits: { count: number; maxMs: number };
  /** One request at a time, back to back: the pool cannot refill in between, so most runs are cold. */
  backToBack: LatencyStats;
  baseline: string;
  /** The baseline at the same pace as `e2e` (bare spawns; `docker run --rm` is only run back to back). */
  baselineP50: number;
  /** e2e p50 / baselineP50: like for like. */
  ratio: number;
  /** The bare spawn back to back, and e2e p50 against it. */
  baselineBackToBackP50?: number;
  ratioVsBackToBack?: number;
}

export interface ThroughputRow {
  backend: BackendName;
  language: string;
  seconds: number;
  connections: number;
  execsPerSec: number;
  errors: number;
}

export interface CoderunnerReport {
  failures: { backend: BackendName; error: string }[];
  /** Back to back. */
  bare: Record<string, LatencyStats>;
  /** Each `paceMs` after the previous one ended, as the paced e2e runs. */
  barePaced: Record<string, LatencyStats>;
  dockerRunRm?: Record<string, LatencyStats>;
  latency: LanguageRow[];
  throughput: ThroughputRow[];
}

export interface CoderunnerBenchOptions {
  backends: BackendName[];
  requests: number;
  paceMs: number;
  throughputSeconds: number;
  /** Extra env for the gateway process (e.g. pool sizes). */
  env: NodeJS.ProcessEnv;
}

const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
const REFILL_WAIT_MAX_MS = 30_000;

/** Resolves once /health reports the language's warm pool full; records how long that took. */
function poolRefilled(url: string, language: Language, waits: { count: number; maxMs: number }): () => Promise<void> {
  const runtime = warmRuntimeOf(language);
  return async () => {
    const started = performance.now();
    while (performance.now() - started < REFILL_WAIT_MAX_MS) {
      const health = JSON.parse((await httpCall(`${url}/health`, 'GET', {})).body) as { sandbox?: { warmPools?: WarmPoolStats[] } };
      const pool = health.sandbox?.warmPools?.find((p) => p.runtime === runtime);
      if (!pool || pool.idle >= pool.size) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const waited = performance.now() - started;
    if (waited > 20) {
      waits.count++;
      waits.maxMs = Math.max(waits.maxMs, Math.round(waited));
    }
  };
}

export async function benchCoderunner(o: CoderunnerBenchOptions): Promise<CoderunnerReport> {
  const bare: Record<string, LatencyStats> = {};
  const barePaced: Record<string, LatencyStats> = {};
  for (const [lang, t] of Object.entries(TRIVIAL)) {
    if (lang === 'typescript') continue;
    bare[lang] = await benchSpawn(t.bare, o.requests);
    barePaced[lang] = await benchSpawn(t.bare, o.requests, undefined, o.paceMs);
  }
  bare.typescript = bare.javascript;
  barePaced.typescript = barePaced.javascript;

  let dockerRunRm: Record<string, LatencyStats> | undefined;
  if (o.backends.includes('docker')) {
    dockerRunRm = {};
    const image = rootfsInfo().imageTag;
    for (const [lang, t] of Object.entries(TRIVIAL)) {
      if (lang === 'typescript') continue;
      dockerRunRm[lang] = await benchSpawn(['docker', 'run', '--rm', '--network', 'none', image, ...t.bare], Math.min(o.requests, 10), process.env);
    }
    dockerRunRm.typescript = dockerRunRm.javascript;
  }

  const latency: LanguageRow[] = [];
  const throughput: ThroughputRow[] = [];
  const failures: CoderunnerReport['failures'] = [];
  for (const backend of o.backends) {
    const gw = await startServer('gateway', { ...process.env, ...o.env, SANDBOX_BACKEND: backend });
    try {
      const headers = { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' };
      for (const [language, t] of Object.entries(TRIVIAL)) {
        const body = JSON.stringify({ language, code: t.code });
        const once = async () => {
          const r = await httpCall(`${gw.url}/v1/coderunner/execute`, 'POST', headers, body);
          if (r.status !== 200 || JSON.parse(r.body).stdout !== '1\n') throw new Error(`${backend}/${language}: ${r.status} ${r.body}`);
        };
        const refillWaits = { count: 0, maxMs: 0 };
        const e2e = await timeSequential(o.requests, 5, once, o.paceMs, poolRefilled(gw.url, language as Language, refillWaits));
        const backToBack = await timeSequential(o.requests, 0, once);
        const base = backend === 'docker' ? dockerRunRm![language] : barePaced[language];
        latency.push({
          backend,
          language,
          e2e,
          refillWaits,
          backToBack,
          baseline: backend === 'docker' ? 'docker run --rm' : `bare spawn, ${o.paceMs} ms apart`,
          baselineP50: base.p50,
          ratio: ratio(e2e.p50, base.p50),
          ...(backend === 'docker' ? {} : { baselineBackToBackP50: bare[language].p50, ratioVsBackToBack: ratio(e2e.p50, bare[language].p50) }),
        });
      }
      if (o.throughputSeconds > 0) {
        const run = await autocannon({
          url: `${gw.url}/v1/coderunner/execute`,
          method: 'POST',
          connections: 8,
          duration: o.throughputSeconds,
          headers,
          body: JSON.stringify({ language: 'python', code: TRIVIAL.python.code }),
        });
        throughput.push({
          backend,
          language: 'python',
          seconds: o.throughputSeconds,
          connections: 8,
          execsPerSec: Math.round(run.requests.average * 10) / 10,
          errors: run.errors + run.timeouts + run.non2xx,
        });
      }
    } catch (err) {
      failures.push({ backend, error: err instanceof Error ? err.message : String(err) });
    } finally {
      await gw.stop();
    }
  }
  return { failures, bare, barePaced, dockerRunRm, latency, throughput };
}
