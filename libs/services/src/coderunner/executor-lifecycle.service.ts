import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Executor } from '@app/sandbox';
import { EXECUTOR } from './executor.token';

/** Fills the warm pools once the app is up (without delaying it) and destroys them on shutdown. */
@Injectable()
export class ExecutorLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Coderunner');

  constructor(@Inject(EXECUTOR) private readonly executor: Executor & { warmUp?(): Promise<void>; close?(): Promise<void> }) {}

  onApplicationBootstrap(): void {
    this.executor.warmUp?.().catch((e: unknown) => this.logger.warn(`sandbox not ready: ${e instanceof Error ? e.message : String(e)}`));
  }

  async onModuleDestroy(): Promise<void> {
    await this.executor.close?.();
  }
}
