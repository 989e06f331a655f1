import { cpus } from 'node:os';
import autocannon from 'autocannon';
import { rootfsInfo, warmRuntimeOf, WarmPoolStats } from '@app/sandbox';
import type { Language } from '@app/sandbox';
import { BASELINE_SPAWNER, benchSpawn, benchSpawnWithCpu, runOnce } from './bare-spawn';
import { machineCpuDuring } from './cpu-usage';
import { httpCall } from './http-client';
import { ServerProcess, startServer } from './server-process';
import { LatencyStats, summarize, TimedStep, timeInterleaved, timeSequential } from './stats';
import { TRIVIAL } from './trivial-programs';

export type BackendName = 'bwrap' | 'docker';

export interface LanguageRow {
  backend: BackendName;
  language: string;
  /**
   * One request at a time, each once every warm pool is full again (as /health reports it) and
   * the machine has then idled `paceMs`: the latency of a request that finds a warm sandbox.
   * Measured in rounds that interleave every language (and, on bwrap, the bare spawns).
   */
  e2e: LatencyStats;
  /** Refills of this language's pool that took longer than the pace, and the longest. */
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
  /** Where the paced runs' time went, from each response's Server-Timing (p50 of each part, so they need not add up). */
  split: TimeSplit;
}

export interface TimeSplit {
  /** The client's own HTTP work, the network stack and the HTTP parse: e2e − gateway. */
  clientAndHttpP50: number;
  /** Auth, throttle, validation, the debit's wait, serialization: gateway − service. */
  gatewayP50: number;
  /** The route handler: queueing, the sandbox run, the result's collection. */
  serviceP50: number;
}

export interface ThroughputRow {
  backend: BackendName;
  language: string;
  seconds: number;
  connections: number;
  execsPerSec: number;
  errors: number;
  /** Busy CPU of the whole machine per execution (load generator included), and the gateway process's share. */
  cpuMsPerExec: number;
  gatewayCpuMsPerExec: number;
  /** Sandboxes, interpreters, Postgres, kernel threads and the load generator. */
  otherCpuMsPerExec: number;
  /** Share of the machine's CPU time left idle during the run (0 = CPU-bound). */
  idleShare: number;
  /** All cores busy at cpuMsPerExec: the most executions per second this machine could do. */
  cpuBoundExecsPerSec: number;
}

export interface CoderunnerReport {
  failures: { backend: BackendName; error: string }[];
  /** Back to back. */
  bare: Record<string, LatencyStats>;
  /** Busy CPU of the whole machine per back-to-back bare spawn (the spawning Node process included). */
  bareCpuMsPerSpawn: Record<string, number>;
  /** Interleaved with the bwrap backend's paced e2e runs, each after the same idle `paceMs` (empty without bwrap). */
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

type RefillWaits = Record<string, { count: number; maxMs: number }>;

/**
 * Resolves once /health reports every warm pool full. A wait longer than the pace that follows
 * it (measured from the end of the previous step, warm-up rounds included) counts for each
 * language whose pool was short: a refill the pace alone would not have covered.
 */
function poolsRefilled(url: string, waits: RefillWaits, paceMs: number): () => Promise<void> {
  return async () => {
    const started = performance.now();
    let short: string[] | undefined;
    while (performance.now() - started < REFILL_WAIT_MAX_MS) {
      const health = JSON.parse((await httpCall(`${url}/health`, 'GET', {})).body) as { sandbox?: { warmPools?: WarmPoolStats[] } };
      const refilling = (health.sandbox?.warmPools ?? []).filter((p) => p.idle < p.size).map((p) => p.runtime);
      short ??= Object.keys(waits).filter((language) => refilling.includes(warmRuntimeOf(language as Language)));
      if (refilling.length === 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const waited = Math.round(performance.now() - started);
    if (waited <= paceMs) return;
    for (const language of short ?? []) {
      waits[language].count++;
      waits[language].maxMs = Math.max(waits[language].maxMs, waited);
    }
  };
}

const BARE = (language: string) => `bare:${language}`;

interface Timed {
  e2eMs: number;
  gatewayMs: number;
  serviceMs: number;
}

/** The gateway and service spans of a Server-Timing header (NaN when absent). */
function serverTiming(header: string | undefined): { gatewayMs: number; serviceMs: number } {
  const dur = (name: string) => Number(new RegExp(`(?:^|,\\s*)${name};dur=([\\d.]+)`).exec(header ?? '')?.[1] ?? NaN);
  return { gatewayMs: dur('gateway'), serviceMs: dur('service') };
}

function splitOf(samples: Timed[]): TimeSplit {
  const p50 = (xs: number[]) => summarize(xs.filter((x) => !Number.isNaN(x))).p50;
  return {
    clientAndHttpP50: p50(samples.map((s) => s.e2eMs - s.gatewayMs)),
    gatewayP50: p50(samples.map((s) => s.gatewayMs - s.serviceMs)),
    serviceP50: p50(samples.map((s) => s.serviceMs)),
  };
}

export async function benchCoderunner(o: CoderunnerBenchOptions): Promise<CoderunnerReport> {
  const bare: Record<string, LatencyStats> = {};
  const bareCpuMsPerSpawn: Record<string, number> = {};
  const bareLanguages = Object.keys(TRIVIAL).filter((lang) => lang !== 'typescript');
  for (const lang of bareLanguages) {
    const measured = await benchSpawnWithCpu(TRIVIAL[lang].bare, o.requests);
    bare[lang] = measured.latency;
    bareCpuMsPerSpawn[lang] = measured.cpuMsPerSpawn;
  }
  bare.typescript = bare.javascript;
  bareCpuMsPerSpawn.typescript = bareCpuMsPerSpawn.javascript;

  let dockerRunRm: Record<string, LatencyStats> | undefined;
  if (o.backends.includes('docker')) {
    dockerRunRm = {};
    const image = rootfsInfo().imageTag;
    for (const lang of bareLanguages) {
      dockerRunRm[lang] = await benchSpawn(['docker', 'run', '--rm', '--network', 'none', image, ...TRIVIAL[lang].bare], Math.min(o.requests, 10), process.env);
    }
    dockerRunRm.typescript = dockerRunRm.javascript;
  }

  const barePaced: Record<string, LatencyStats> = {};

  const latency: LanguageRow[] = [];
  const throughput: ThroughputRow[] = [];
  const failures: CoderunnerReport['failures'] = [];
  for (const backend of o.backends) {
    const gw = await startServer('gateway', { ...process.env, ...o.env, SANDBOX_BACKEND: backend });
    try {
      const headers = { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json' };
      const refillWaits: RefillWaits = {};
      const timings: Record<string, Timed[]> = {};
      const runs = Object.fromEntries(
        Object.entries(TRIVIAL).map(([language, t]) => {
          const body = JSON.stringify({ language, code: t.code });
          const once = async () => {
            const t0 = process.hrtime.bigint();
            const r = await httpCall(`${gw.url}/v1/coderunner/execute`, 'POST', headers, body);
            const e2eMs = Number(process.hrtime.bigint() - t0) / 1e6;
            if (r.status !== 200 || JSON.parse(r.body).stdout !== '1\n') throw new Error(`${backend}/${language}: ${r.status} ${r.body}`);
            timings[language].push({ e2eMs, ...serverTiming(r.serverTiming) });
          };
          refillWaits[language] = { count: 0, maxMs: 0 };
          timings[language] = [];
          return [language, once];
        }),
      );
      const steps: TimedStep[] = [];
      for (const [language, once] of Object.entries(runs)) {
        steps.push({ name: language, fn: once });
        if (backend === 'bwrap' && bareLanguages.includes(language)) steps.push({ name: BARE(language), fn: () => runOnce(TRIVIAL[language].bare) });
      }
      const paced = await timeInterleaved(o.requests, 5, steps, o.paceMs, poolsRefilled(gw.url, refillWaits, o.paceMs));
      if (backend === 'bwrap') {
        for (const lang of bareLanguages) barePaced[lang] = paced[BARE(lang)];
        barePaced.typescript = barePaced.javascript;
      }
      const timed = (language: string) => (o.requests > 0 ? timings[language].slice(-o.requests) : []);
      const splits = Object.fromEntries(Object.keys(runs).map((language) => [language, splitOf(timed(language))]));
      for (const [language, once] of Object.entries(runs)) {
        const e2e = paced[language];
        const backToBack = await timeSequential(o.requests, 0, once);
        const base = backend === 'docker' ? dockerRunRm![language] : barePaced[language];
        latency.push({
          backend,
          language,
          e2e,
          refillWaits: refillWaits[language],
          backToBack,
          baseline: backend === 'docker' ? 'docker run --rm' : `bare spawn (${BASELINE_SPAWNER}), ${o.paceMs} ms apart, interleaved`,
          baselineP50: base.p50,
          ratio: ratio(e2e.p50, base.p50),
          ...(backend === 'docker' ? {} : { baselineBackToBackP50: bare[language].p50, ratioVsBackToBack: ratio(e2e.p50, bare[language].p50) }),
          split: splits[language],
        });
      }
      if (o.throughputSeconds > 0) throughput.push(await throughputOf(backend, gw, headers, o.throughputSeconds));
    } catch (err) {
      failures.push({ backend, error: err instanceof Error ? err.message : String(err) });
    } finally {
      await gw.stop();
    }
  }
  return { failures, bare, bareCpuMsPerSpawn, barePaced, dockerRunRm, latency, throughput };
}

async function throughputOf(
  backend: BackendName,
  gw: ServerProcess,
  headers: Record<string, string>,
  seconds: number,
): Promise<ThroughputRow> {
  const gatewayBefore = await gw.cpuMs();
  const { result: run, busyMs, idleShare } = await machineCpuDuring(() =>
    autocannon({
      url: `${gw.url}/v1/coderunner/execute`,
      method: 'POST',
      connections: 8,
      duration: seconds,
      headers,
      body: JSON.stringify({ language: 'python', code: TRIVIAL.python.code }),
      verifyBody: (body) => (JSON.parse(body) as { stdout?: string }).stdout === '1\n',
    }),
  );
  const gatewayMs = (await gw.cpuMs()) - gatewayBefore;
  const execs = Math.max(1, run['2xx'] - run.mismatches);
  const perExec = (ms: number) => Math.round((ms / execs) * 100) / 100;
  const cpuMsPerExec = perExec(busyMs);
  return {
    backend,
    language: 'python',
    seconds,
    connections: 8,
    execsPerSec: Math.round((execs / seconds) * 10) / 10,
    errors: run.errors + run.non2xx + run.mismatches,
    cpuMsPerExec,
    gatewayCpuMsPerExec: perExec(gatewayMs),
    otherCpuMsPerExec: perExec(busyMs - gatewayMs),
    idleShare: Math.round(idleShare * 1000) / 1000,
    cpuBoundExecsPerSec: Math.round((cpus().length * 1000) / cpuMsPerExec),
  };
}
