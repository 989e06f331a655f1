import { INestApplication, LoggerService, LogLevel, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { ServiceRegistry } from '../catalog/service-registry.service';
import { servicePathMiddleware } from '../catalog/service-path.middleware';
import { DatabaseConfig } from '../config/database.config';
import { HttpConfig } from '../config/http.config';
import { Env, loadConfig, validateRegisteredConfigs } from '../config/load-config';
import { EmbeddedDatabase, startEmbeddedPostgres } from '../database/embedded-postgres';
import { runMigrations } from '../database/run-migrations';
import { bodyParsing } from '../http/body-parsing';
import { answerClientErrorsWithJson } from '../http/client-errors';
import { closeHttp } from '../http/close-http';
import { requestIdMiddleware } from '../http/request-id.middleware';
import { serverTimingMiddleware } from '../http/server-timing';
import { PlatformModule } from '../platform.module';

export interface GatewayOptions {
  services: Type[];
  env: Env;
  logger?: LoggerService | LogLevel[] | false;
}

export interface Gateway {
  app: INestApplication;
  http: HttpConfig;
  /** Stops taking requests and lets those in progress finish, closes the app, then the embedded database if this gateway started one. */
  stop(): Promise<void>;
}

/** Everything main.ts and the e2e tests share: database, migrations, middleware, the Nest app. */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  validateRegisteredConfigs(options.env);
  const http = loadConfig(HttpConfig, options.env);
  const database = loadConfig(DatabaseConfig, options.env);
  let embedded: EmbeddedDatabase | undefined;
  const databaseUrl = database.url ?? (embedded = await startEmbeddedPostgres(database.embeddedDir, database.embeddedPort)).url;
  try {
    const app = await NestFactory.create<NestExpressApplication>(
      PlatformModule.forRoot({ env: options.env, databaseUrl, services: options.services }),
      { bodyParser: false, logger: options.logger, abortOnError: false },
    );
    app.set('trust proxy', http.trustProxy);
    app.disable('x-powered-by');
    // Express hashes every response body for an ETag; no answer here is cacheable by one.
    app.disable('etag');
    app.use(serverTimingMiddleware);
    app.use(requestIdMiddleware);
    app.use(...bodyParsing(http.bodyLimitKb));
    app.use(servicePathMiddleware(app.get(ServiceRegistry)));
    await runMigrations(app.get(DataSource));
    await app.init();
    answerClientErrorsWithJson(app.getHttpServer());
    return {
      app,
      http,
      stop: async () => {
        await closeHttp(app.getHttpServer(), http.shutdownGraceMs);
        await app.close();
        await embedded?.stop();
      },
    };
  } catch (e) {
    await embedded?.stop();
    throw e;
  }
}
