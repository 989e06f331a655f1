import { Expose } from 'class-transformer';

const envNames = new WeakMap<object, Map<string, string>>();

/** Binds a config property to an environment variable. */
export function EnvVar(name: string): PropertyDecorator {
  return (target, property) => {
    Expose({ name })(target, property);
    const names = envNames.get(target.constructor) ?? new Map<string, string>();
    names.set(String(property), name);
    envNames.set(target.constructor, names);
  };
}

export function envNameOf(cls: object, property: string): string {
  return envNames.get(cls)?.get(property) ?? property;
}
