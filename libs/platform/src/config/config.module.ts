import { DynamicModule, Global, Module } from '@nestjs/common';
import { AdminConfig } from './admin.config';
import { DatabaseConfig } from './database.config';
import { HttpConfig } from './http.config';
import { KeysConfig } from './keys.config';
import { ENV, Env, configProvider } from './load-config';
import { RateLimitConfig } from './rate-limit.config';
import { ServicesConfig } from './services.config';

const NAMESPACES = [HttpConfig, DatabaseConfig, KeysConfig, RateLimitConfig, AdminConfig, ServicesConfig];

/** Built at import, so validateRegisteredConfigs() sees these namespaces before the app starts. */
const PROVIDERS = NAMESPACES.map((cls) => configProvider(cls as new () => object));

@Global()
@Module({})
export class ConfigModule {
  static forRoot(env: Env): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: ENV, useValue: env },
        ...PROVIDERS,
      ],
      exports: [ENV, ...NAMESPACES],
    };
  }
}
