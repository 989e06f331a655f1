import express from 'express';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { toErrorResponse } from '../errors/error-body';
import { GatewayErrorCode, GatewayException } from '../errors/gateway.exception';

/** JSON bodies up to `limitKb`; anything the parser rejects becomes our JSON error, never an HTML page. */
export function bodyParsing(limitKb: number): (RequestHandler | ErrorRequestHandler)[] {
  const onlyObjects: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    if (req.body === undefined || req.body === null || (typeof req.body === 'object' && !Array.isArray(req.body))) return next();
    next(new GatewayException(GatewayErrorCode.ValidationFailed, 'The request body must be a JSON object'));
  };
  const toJsonError: ErrorRequestHandler = (err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const { status, body } = toErrorResponse(err);
    res.status(status).json(body);
  };
  return [express.json({ limit: `${limitKb}kb`, strict: true }), onlyObjects, toJsonError];
}
