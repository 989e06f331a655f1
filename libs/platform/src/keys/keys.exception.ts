import { AppException } from '../errors/app.exception';

export enum KeysErrorCode {
  MissingKey = 'missing_key',
  InvalidKey = 'invalid_key',
  KeyDisabled = 'key_disabled',
  KeyNotFound = 'key_not_found',
}

const STATUS: Record<KeysErrorCode, number> = {
  [KeysErrorCode.MissingKey]: 401,
  [KeysErrorCode.InvalidKey]: 401,
  [KeysErrorCode.KeyDisabled]: 401,
  [KeysErrorCode.KeyNotFound]: 404,
};

export class KeysException extends AppException {
  constructor(code: KeysErrorCode, message: string) {
    super(code, message, STATUS[code]);
  }
}

export const unknownKey = () => new KeysException(KeysErrorCode.InvalidKey, 'Unknown API key');
export const disabledKey = () => new KeysException(KeysErrorCode.KeyDisabled, 'This API key is disabled');
