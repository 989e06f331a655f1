import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigException, createGateway } from '@app/platform';
import { ENABLED_SERVICES } from './enabled-services';

async function main(): Promise<void> {
  const logger = new Logger('Gateway');
  const gateway = await createGateway({ services: ENABLED_SERVICES, env: process.env });
  await gateway.app.listen(gateway.http.port, gateway.http.host);
  logger.log(`Listening on http://${gateway.http.host}:${gateway.http.port} (health: /health, catalog: /v1/services)`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: shutting down`);
    await gateway.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((e: unknown) => {
  if (e instanceof ConfigException) console.error(e.message);
  else console.error('Gateway failed to start:', e instanceof Error ? e.stack : e);
  process.exit(1);
});
