import { AppException } from './app.exception';

export enum GatewayErrorCode {
  ValidationFailed = 'validation_failed',
  InvalidJson = 'invalid_json',
  BadRequest = 'bad_request',
  PayloadTooLarge = 'payload_too_large',
  UnsupportedMediaType = 'unsupported_media_type',
  HeadersTooLarge = 'headers_too_large',
  RequestTimeout = 'request_timeout',
  NotFound = 'not_found',
  UnknownService = 'unknown_service',
  RateLimited = 'rate_limited',
  Unauthorized = 'unauthorized',
  Forbidden = 'forbidden',
  InternalError = 'internal_error',
  Unavailable = 'service_unavailable',
}

const STATUS: Record<GatewayErrorCode, number> = {
  [GatewayErrorCode.ValidationFailed]: 400,
  [GatewayErrorCode.InvalidJson]: 400,
  [GatewayErrorCode.BadRequest]: 400,
  [GatewayErrorCode.PayloadTooLarge]: 413,
  [GatewayErrorCode.UnsupportedMediaType]: 415,
  [GatewayErrorCode.HeadersTooLarge]: 431,
  [GatewayErrorCode.RequestTimeout]: 408,
  [GatewayErrorCode.NotFound]: 404,
  [GatewayErrorCode.UnknownService]: 404,
  [GatewayErrorCode.RateLimited]: 429,
  [GatewayErrorCode.Unauthorized]: 401,
  [GatewayErrorCode.Forbidden]: 403,
  [GatewayErrorCode.InternalError]: 500,
  [GatewayErrorCode.Unavailable]: 503,
};

export class GatewayException extends AppException {
  constructor(code: GatewayErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, STATUS[code], details);
  }
}
