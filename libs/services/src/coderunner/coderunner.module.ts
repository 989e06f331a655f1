import { Module } from '@nestjs/common';
import { configProvider } from '@app/platform';
import { SandboxExecutor, defaultBackends } from '@app/sandbox';
import { CoderunnerConfig } from './coderunner.config';
import { CoderunnerController } from './coderunner.controller';
import { CoderunnerService } from './coderunner.service';
import { EXECUTOR } from './executor.token';
import { SandboxHealthReporter } from './sandbox-health.reporter';

@Module({
  controllers: [CoderunnerController],
  providers: [
    configProvider(CoderunnerConfig),
    {
      provide: EXECUTOR,
      inject: [CoderunnerConfig],
      useFactory: (c: CoderunnerConfig) =>
        new SandboxExecutor({
          backend: c.backend,
          limits: c.limitsTable(),
          maxConcurrency: c.maxConcurrency,
          maxQueue: c.maxQueue,
          backends: defaultBackends({
            docker: { ...(c.dockerImage ? { image: c.dockerImage } : {}), ...(c.dockerRuntime ? { runtime: c.dockerRuntime } : {}) },
            bwrap: c.rootfsDir ? { rootfsDir: c.rootfsDir } : {},
          }),
        }),
    },
    CoderunnerService,
    SandboxHealthReporter,
  ],
})
export class CoderunnerModule {}
