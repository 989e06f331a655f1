import { AppException } from '../errors/app.exception';

export enum CreditsErrorCode {
  InsufficientCredits = 'insufficient_credits',
  NegativeBalance = 'negative_balance',
  BalanceTooLarge = 'balance_too_large',
}

const STATUS: Record<CreditsErrorCode, number> = {
  [CreditsErrorCode.InsufficientCredits]: 402,
  [CreditsErrorCode.NegativeBalance]: 409,
  [CreditsErrorCode.BalanceTooLarge]: 409,
};

export class CreditsException extends AppException {
  constructor(code: CreditsErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, STATUS[code], details);
  }
}
