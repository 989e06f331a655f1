import { AppException } from '@app/platform';

export enum HashErrorCode {
  InvalidEncoding = 'invalid_encoding',
}

const STATUS: Record<HashErrorCode, number> = {
  [HashErrorCode.InvalidEncoding]: 400,
};

export class HashException extends AppException {
  constructor(code: HashErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, STATUS[code], details);
  }
}
