import { Inject, Injectable } from '@nestjs/common';
import { ComponentHealth, HealthContributor, HealthReporter } from '@app/platform';
import { Executor, WarmPoolStats, WarmUsage } from '@app/sandbox';
import { EXECUTOR } from './executor.token';

type WarmAware = Executor & { warmStats?: WarmPoolStats[]; warmUsage?: WarmUsage };

@Injectable()
@HealthContributor('sandbox')
export class SandboxHealthReporter implements HealthReporter {
  constructor(@Inject(EXECUTOR) private readonly executor: WarmAware) {}

  async health(): Promise<ComponentHealth> {
    const h = await this.executor.health();
    return {
      status: h.ready ? 'up' : 'down',
      backend: h.backend,
      ...(h.reason ? { reason: h.reason } : {}),
      ...(this.executor.warmStats ? { warmPools: this.executor.warmStats, runs: this.executor.warmUsage } : {}),
    };
  }
}
