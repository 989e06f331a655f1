import type { NextFunction, Request, Response } from 'express';
import { toErrorResponse } from '../errors/error-body';
import { GatewayErrorCode, GatewayException } from '../errors/gateway.exception';
import { ServiceRegistry } from './service-registry.service';

const SERVICE_PATH = /^\/v1\/([^/?#]+)(.*)$/s;

/** Maps `/v1/<alias>/…` onto the canonical service path and answers 404 JSON for unknown services. */
export function servicePathMiddleware(registry: ServiceRegistry) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const match = SERVICE_PATH.exec(req.url);
    if (!match || match[1] === 'services') return next();
    const segment = safeDecode(match[1]).toLowerCase();
    const name = registry.resolve(segment);
    if (!name) {
      const { status, body } = toErrorResponse(
        new GatewayException(GatewayErrorCode.UnknownService, `No service named "${segment.slice(0, 64)}"; see GET /v1/services`),
      );
      res.status(status).json(body);
      return;
    }
    if (name !== match[1]) req.url = `/v1/${name}${match[2]}`;
    next();
  };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
