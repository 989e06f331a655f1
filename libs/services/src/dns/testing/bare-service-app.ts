import { ENV, Env } from '@app/platform';
import { AllExceptionsFilter } from '@app/platform/errors/all-exceptions.filter';
import { Module, Type, ValidationPipe } from '@nestjs/common';
import { Test } from '@nestjs/testing';

@Module({})
class TestEnvModule {}

export interface BareServiceApp {
  url: string;
  get<T = Record<string, unknown>>(path: string, init?: RequestInit): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

/**
 * A service module on its own over real HTTP, with the gateway's validation pipe and
 * error filter but without keys, credits or limits (the e2e specs cover those).
 */
export async function startBareServiceApp(modules: Type[], env: Env): Promise<BareServiceApp> {
  const moduleRef = await Test.createTestingModule({
    imports: [{ module: TestEnvModule, global: true, providers: [{ provide: ENV, useValue: env }], exports: [ENV] }, ...modules],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, forbidUnknownValues: true }));
  app.useGlobalFilters(new AllExceptionsFilter());
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    url,
    async get<T>(path: string, init?: RequestInit) {
      const res = await fetch(`${url}${path}`, init);
      return { status: res.status, body: (await res.json()) as T };
    },
    close: () => app.close(),
  };
}
