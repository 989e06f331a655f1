import { Agent, request } from 'node:http';

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

export interface BenchResponse {
  status: number;
  body: string;
  serverTiming?: string;
}

/** A keep-alive HTTP call with no client-side overhead beyond node:http. */
export function httpCall(url: string, method: string, headers: Record<string, string>, body?: string): Promise<BenchResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: body ? { ...headers, 'content-length': Buffer.byteLength(body) } : headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const serverTiming = res.headers['server-timing'] as string | undefined;
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), serverTiming });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function closeAgent(): void {
  agent.destroy();
}
