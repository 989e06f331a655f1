import { Inject, Injectable } from '@nestjs/common';
import { ComponentHealth, HealthContributor, HealthReporter } from '@app/platform';
import { Executor } from '@app/sandbox';
import { EXECUTOR } from './executor.token';

@Injectable()
@HealthContributor('sandbox')
export class SandboxHealthReporter implements HealthReporter {
  constructor(@Inject(EXECUTOR) private readonly executor: Executor) {}

  async health(): Promise<ComponentHealth> {
    const h = await this.executor.health();
    return { status: h.ready ? 'up' : 'down', backend: h.backend, ...(h.reason ? { reason: h.reason } : {}) };
  }
}
