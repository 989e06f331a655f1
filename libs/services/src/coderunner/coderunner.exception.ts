import { AppException } from '@app/platform';

export enum CoderunnerErrorCode {
  UnknownLanguage = 'unknown_language',
  CodeTooLarge = 'code_too_large',
  InvalidRequest = 'invalid_request',
  LimitExceeded = 'limit_exceeded',
  SandboxUnavailable = 'sandbox_unavailable',
  Capacity = 'capacity',
  SandboxFailure = 'sandbox_failure',
}

const STATUS: Record<CoderunnerErrorCode, number> = {
  [CoderunnerErrorCode.UnknownLanguage]: 400,
  [CoderunnerErrorCode.CodeTooLarge]: 413,
  [CoderunnerErrorCode.InvalidRequest]: 400,
  [CoderunnerErrorCode.LimitExceeded]: 400,
  [CoderunnerErrorCode.SandboxUnavailable]: 503,
  [CoderunnerErrorCode.Capacity]: 503,
  [CoderunnerErrorCode.SandboxFailure]: 500,
};

export class CoderunnerException extends AppException {
  constructor(code: CoderunnerErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, STATUS[code], details);
  }
}
