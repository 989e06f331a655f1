import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ConfigException } from './config.exception';
import { envNameOf } from './env-var.decorator';

export type Env = Record<string, string | undefined>;

/** Injection token for the environment the configuration is read from (process.env in production). */
export const ENV = Symbol('ENV');

/** Builds one config namespace from the environment; empty strings count as unset. */
export function loadConfig<T extends object>(cls: ClassConstructor<T>, env: Env): T {
  const plain = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const instance = plainToInstance(cls, plain, { excludeExtraneousValues: true, exposeDefaultValues: true });
  const errors = validateSync(instance);
  if (errors.length) {
    throw new ConfigException(
      errors.flatMap((e) => {
        const name = envNameOf(cls, e.property);
        return Object.values(e.constraints ?? {}).map((c) => `${name}: ${c.replace(e.property, name)}`);
      }),
    );
  }
  return instance;
}
