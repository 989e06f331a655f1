import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE, DiscoveryModule } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AdminController } from './admin/admin.controller';
import { AdminGuard } from './admin/admin.guard';
import { CatalogModule } from './catalog/catalog.module';
import { ConfigModule } from './config/config.module';
import { Env } from './config/load-config';
import { CreditsInterceptor } from './credits/credits.interceptor';
import { GatewayValidationPipe } from './http/gateway-validation.pipe';
import { RequestArgsValidator } from './http/request-args.validator';
import { ServiceTimingInterceptor } from './http/service-timing.interceptor';
import { CreditsService } from './credits/credits.service';
import { DatabaseModule } from './database/database.module';
import { AllExceptionsFilter } from './errors/all-exceptions.filter';
import { HealthController } from './health/health.controller';
import { ApiKeyGuard } from './keys/api-key.guard';
import { ApiKeyService } from './keys/api-key.service';
import { BearerStrategy } from './keys/bearer.strategy';
import { KeysController } from './keys/keys.controller';
import { GatewayThrottlerGuard } from './throttling/gateway-throttler.guard';
import { ThrottlingModule } from './throttling/throttling.module';

export interface PlatformOptions {
  env: Env;
  databaseUrl: string;
  services: Type[];
}

@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        ConfigModule.forRoot(options.env),
        DatabaseModule.forRoot(options.databaseUrl),
        DiscoveryModule,
        PassportModule,
        CatalogModule,
        ThrottlingModule,
        ...options.services,
      ],
      controllers: [KeysController, AdminController, HealthController],
      providers: [
        ApiKeyService,
        CreditsService,
        BearerStrategy,
        AdminGuard,
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_GUARD, useClass: GatewayThrottlerGuard },
        { provide: APP_INTERCEPTOR, useClass: CreditsInterceptor },
        // Registered after the charge step, so inside it: it times the handler alone.
        { provide: APP_INTERCEPTOR, useClass: ServiceTimingInterceptor },
        RequestArgsValidator,
        GatewayValidationPipe,
        { provide: APP_PIPE, useExisting: GatewayValidationPipe },
      ],
    };
  }
}
