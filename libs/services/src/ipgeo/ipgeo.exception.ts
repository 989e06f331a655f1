import { AppException } from '@app/platform';

export enum IpgeoErrorCode {
  InvalidIp = 'invalid_ip',
  NoClientAddress = 'no_client_address',
}

const STATUS: Record<IpgeoErrorCode, number> = {
  [IpgeoErrorCode.InvalidIp]: 400,
  [IpgeoErrorCode.NoClientAddress]: 400,
};

export class IpgeoException extends AppException {
  constructor(code: IpgeoErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, STATUS[code], details);
  }
}
