import { Module } from '@nestjs/common';
import { configProvider } from '@app/platform';
import { CoderunnerConfig } from './coderunner.config';
import { CoderunnerController } from './coderunner.controller';
import { CoderunnerService } from './coderunner.service';
import { ExecutorLifecycle } from './executor-lifecycle.service';
import { EXECUTOR } from './executor.token';
import { createSandboxExecutor } from './sandbox-executor.factory';
import { SandboxHealthReporter } from './sandbox-health.reporter';

@Module({
  controllers: [CoderunnerController],
  providers: [
    configProvider(CoderunnerConfig),
    { provide: EXECUTOR, inject: [CoderunnerConfig], useFactory: createSandboxExecutor },
    CoderunnerService,
    SandboxHealthReporter,
    ExecutorLifecycle,
  ],
})
export class CoderunnerModule {}
