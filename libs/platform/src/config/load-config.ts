import { FactoryProvider } from '@nestjs/common';
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ConfigException } from './config.exception';
import { envNameOf } from './env-var.decorator';

export type Env = Record<string, string | undefined>;

/** Injection token for the environment the configuration is read from (process.env in production). */
export const ENV = Symbol('ENV');

function build<T extends object>(cls: ClassConstructor<T>, env: Env): { instance: T; problems: string[] } {
  const plain = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const instance = plainToInstance(cls, plain, { excludeExtraneousValues: true, exposeDefaultValues: true });
  const problems = validateSync(instance).flatMap((e) => {
    const name = envNameOf(cls, e.property);
    const constraints = e.constraints ?? {};
    // "not greater than 65535" says nothing useful about "abc": the type is the problem.
    const typeOnly = constraints.isInt ? [constraints.isInt] : Object.values(constraints);
    return typeOnly.map((c) => `${name}: ${c.replace(e.property, name)}`);
  });
  return { instance, problems };
}

/** Builds one config namespace from the environment; empty strings count as unset. */
export function loadConfig<T extends object>(cls: ClassConstructor<T>, env: Env): T {
  const { instance, problems } = build(cls, env);
  if (problems.length) throw new ConfigException(problems);
  return instance;
}

const registered = new Set<ClassConstructor<object>>();

/**
 * A module's config namespace as a provider. Registering it at import time lets the
 * gateway validate every namespace, its own and every service's, before it starts anything.
 */
export function configProvider<T extends object>(cls: ClassConstructor<T>): FactoryProvider<T> {
  registered.add(cls);
  return { provide: cls, useFactory: (env: Env) => loadConfig(cls, env), inject: [ENV] };
}

/** Every problem of every registered namespace, in one exception. */
export function validateRegisteredConfigs(env: Env): void {
  const problems = [...registered].flatMap((cls) => build(cls, env).problems);
  if (problems.length) throw new ConfigException(problems);
}
