import { DynamicModule, Global, Module } from '@nestjs/common';
import { AdminConfig } from './admin.config';
import { DatabaseConfig } from './database.config';
import { HttpConfig } from './http.config';
import { KeysConfig } from './keys.config';
import { ENV, Env, loadConfig } from './load-config';
import { RateLimitConfig } from './rate-limit.config';
import { ServicesConfig } from './services.config';

const NAMESPACES = [HttpConfig, DatabaseConfig, KeysConfig, RateLimitConfig, AdminConfig, ServicesConfig];

@Global()
@Module({})
export class ConfigModule {
  static forRoot(env: Env): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: ENV, useValue: env },
        ...NAMESPACES.map((cls) => ({ provide: cls, useValue: loadConfig(cls as new () => object, env) })),
      ],
      exports: [ENV, ...NAMESPACES],
    };
  }
}
