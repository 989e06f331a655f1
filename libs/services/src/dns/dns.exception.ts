import { AppException } from '@app/platform';

export enum DnsErrorCode {
  NotFound = 'not_found',
  InvalidName = 'invalid_name',
  ResolverTimeout = 'resolver_timeout',
  ResolverUnreachable = 'resolver_unreachable',
  ResolverFailure = 'resolver_failure',
}

const STATUS: Record<DnsErrorCode, number> = {
  [DnsErrorCode.NotFound]: 404,
  [DnsErrorCode.InvalidName]: 400,
  [DnsErrorCode.ResolverTimeout]: 504,
  [DnsErrorCode.ResolverUnreachable]: 504,
  [DnsErrorCode.ResolverFailure]: 502,
};

export class DnsException extends AppException {
  constructor(code: DnsErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, STATUS[code], details);
  }
}
