import { IsOptional, Matches } from 'class-validator';
import { EnvVar } from './env-var.decorator';

export class ServicesConfig {
  /** Per-service cost override, e.g. `coderunner=2,dns=1`. */
  @EnvVar('SERVICE_COSTS') @IsOptional() @Matches(/^\s*[a-z0-9-]+=\d+\s*(,\s*[a-z0-9-]+=\d+\s*)*$/, {
    message: 'SERVICE_COSTS must look like name=cost,name=cost',
  })
  readonly costs?: string;

  costOverrides(): Map<string, number> {
    const out = new Map<string, number>();
    for (const pair of (this.costs ?? '').split(',').filter((p) => p.trim())) {
      const [name, cost] = pair.split('=').map((s) => s.trim());
      out.set(name, Number(cost));
    }
    return out;
  }
}
