import { HttpException, HttpStatus } from '@nestjs/common';
import { AppException } from './app.exception';
import { GatewayErrorCode } from './gateway.exception';

export interface ErrorBody {
  error: string;
  message: string;
  [extra: string]: unknown;
}

const CODE_BY_STATUS: Record<number, GatewayErrorCode> = {
  400: GatewayErrorCode.ValidationFailed,
  401: GatewayErrorCode.Unauthorized,
  403: GatewayErrorCode.Forbidden,
  404: GatewayErrorCode.NotFound,
  413: GatewayErrorCode.PayloadTooLarge,
  415: GatewayErrorCode.UnsupportedMediaType,
  429: GatewayErrorCode.RateLimited,
  503: GatewayErrorCode.Unavailable,
};

/** Body-parser errors carry `type` and `status` instead of being HttpExceptions. */
interface ParserError {
  type?: string;
  status?: number;
}

export function toErrorResponse(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof AppException) {
    return { status: err.status, body: { error: err.code, message: err.message, ...err.details } };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const response = err.getResponse();
    const raw = typeof response === 'object' && response !== null ? (response as { message?: unknown }).message : response;
    const messages = Array.isArray(raw) ? raw.map(String) : [String(raw ?? err.message)];
    const code = CODE_BY_STATUS[status] ?? (status >= 500 ? GatewayErrorCode.InternalError : GatewayErrorCode.ValidationFailed);
    const body: ErrorBody = { error: code, message: messages.join('; ') };
    if (Array.isArray(raw)) body.details = messages;
    return { status, body };
  }
  const parser = err as ParserError;
  if (parser?.type === 'entity.parse.failed') {
    return { status: 400, body: { error: GatewayErrorCode.InvalidJson, message: 'The request body is not valid JSON' } };
  }
  if (parser?.type === 'entity.too.large') {
    return { status: 413, body: { error: GatewayErrorCode.PayloadTooLarge, message: 'The request body is too large' } };
  }
  if (typeof parser?.status === 'number' && parser.status >= 400 && parser.status < 500) {
    return { status: parser.status, body: { error: CODE_BY_STATUS[parser.status] ?? GatewayErrorCode.BadRequest, message: 'The request could not be read' } };
  }
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: { error: GatewayErrorCode.InternalError, message: 'Internal error' } };
}
