import { ValidateBy, ValidationOptions } from 'class-validator';
import { parseIp } from './ip-address';

/** node:net's notion of an address (no zone ids), so the DTO and the service agree on what is valid. */
export function IsIpAddress(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIpAddress',
      validator: {
        validate: (v: unknown) => typeof v === 'string' && parseIp(v) !== undefined,
        defaultMessage: () => 'ip must be an IPv4 or IPv6 address',
      },
    },
    options,
  );
}
