import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { AddressInfo } from 'node:net';
import { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createGateway } from '@app/platform';
import { CoderunnerModule } from '@app/services';
import { BarePingModule } from './fixtures/bare-ping.module';
import { BenchPingModule } from './fixtures/bench-ping.module';

/** Child process of the benchmark: serves one app and reports where, so client and server never share a core's event loop. */
export interface ServeReady {
  url: string;
  key?: string;
}

const SERVICES: Record<string, Type[]> = { gateway: [BenchPingModule, CoderunnerModule] };

async function serve(kind: string): Promise<ServeReady> {
  if (kind === 'bare') {
    const app = await NestFactory.create(BarePingModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    return { url: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}` };
  }
  const adminToken = randomBytes(24).toString('hex');
  const gateway = await createGateway({
    services: SERVICES[kind],
    env: {
      ...process.env,
      DATABASE_URL: process.env.BENCH_DATABASE_URL,
      ADMIN_TOKEN: adminToken,
      RATE_LIMIT: '1000000000',
      EMBEDDED_PG_DIR: process.env.EMBEDDED_PG_DIR ?? '.data/bench-postgres',
      EMBEDDED_PG_PORT: process.env.EMBEDDED_PG_PORT ?? '54331',
    },
    logger: ['error'],
  });
  await gateway.app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(gateway.app.getHttpServer().address() as AddressInfo).port}`;
  const res = await fetch(`${url}/admin/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ credits: 1_000_000_000, label: 'bench' }),
  });
  const { key } = (await res.json()) as { key: string };
  process.on('disconnect', () => void gateway.stop().finally(() => process.exit(0)));
  return { url, key };
}

process.on('message', (m: { cpu?: number }) => {
  if (typeof m?.cpu !== 'number') return;
  const { user, system } = process.cpuUsage();
  process.send?.({ id: m.cpu, cpuMs: (user + system) / 1000 });
});

serve(process.argv[2] ?? 'gateway')
  .then((ready) => process.send?.(ready))
  .catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
