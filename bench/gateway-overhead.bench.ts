import autocannon from 'autocannon';
import { httpCall } from './http-client';
import { startServer } from './server-process';
import { LatencyStats, timeSequential } from './stats';

export interface GatewayOverheadReport {
  bare: { latency: LatencyStats; rps: number };
  paid: { latency: LatencyStats; rps: number; errors: number };
  /** The same paid route at the coderunner benchmark's pace: each request finds the machine idle. */
  paidPaced: LatencyStats;
  overheadP50Ms: number;
  ratioP50: number;
}

/** A trivial paid route (auth, throttle, debit, ledger) against a bare Nest route, same machine, same run. */
export async function benchGatewayOverhead(requests: number, seconds: number, paceMs: number, pacedRequests: number): Promise<GatewayOverheadReport> {
  const bare = await startServer('bare');
  const gw = await startServer('gateway');
  try {
    const auth = { authorization: `Bearer ${gw.key}` };
    const bareCall = async () => void (await httpCall(`${bare.url}/ping`, 'GET', {}));
    const paidCall = async () => {
      const r = await httpCall(`${gw.url}/v1/benchping/ping`, 'GET', auth);
      if (r.status !== 200) throw new Error(`paid route answered ${r.status}: ${r.body}`);
    };
    const bareLat = await timeSequential(requests, 200, bareCall);
    const paidLat = await timeSequential(requests, 200, paidCall);
    const paidPaced = await timeSequential(pacedRequests, 5, paidCall, paceMs);
    const bareRun = await autocannon({ url: `${bare.url}/ping`, connections: 8, duration: seconds });
    const paidRun = await autocannon({ url: `${gw.url}/v1/benchping/ping`, connections: 8, duration: seconds, headers: auth });
    return {
      bare: { latency: bareLat, rps: Math.round(bareRun.requests.average) },
      paid: { latency: paidLat, rps: Math.round(paidRun.requests.average), errors: paidRun.errors + paidRun.non2xx },
      paidPaced,
      overheadP50Ms: Math.round((paidLat.p50 - bareLat.p50) * 1000) / 1000,
      ratioP50: Math.round((paidLat.p50 / bareLat.p50) * 100) / 100,
    };
  } finally {
    await gw.stop();
    await bare.stop();
  }
}
