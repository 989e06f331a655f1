import { SetMetadata } from '@nestjs/common';

export const HEALTH_CONTRIBUTOR = 'gateway:health-contributor';

export interface ComponentHealth {
  status: 'up' | 'down';
  [detail: string]: unknown;
}

/** A provider whose `health()` is reported under `name` by GET /health. */
export interface HealthReporter {
  health(): Promise<ComponentHealth>;
}

export const HealthContributor = (name: string) => SetMetadata(HEALTH_CONTRIBUTOR, name);
