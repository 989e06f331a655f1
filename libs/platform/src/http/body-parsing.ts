import express from 'express';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { toErrorResponse } from '../errors/error-body';
import { GatewayErrorCode, GatewayException } from '../errors/gateway.exception';
import { fastJsonBody } from './fast-json-body';
import { nestedDeeperThan } from './json-depth';

/** Deeper bodies are refused before validation, whose recursive transform overflows the stack on them. */
export const MAX_BODY_DEPTH = 32;

/** JSON bodies up to `limitKb`; anything the parser rejects becomes our JSON error, never an HTML page. */
export function bodyParsing(limitKb: number): (RequestHandler | ErrorRequestHandler)[] {
  const onlyObjects: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    if (req.body === undefined || req.body === null) return next();
    if (typeof req.body !== 'object' || Array.isArray(req.body)) {
      return next(new GatewayException(GatewayErrorCode.ValidationFailed, 'The request body must be a JSON object'));
    }
    if (nestedDeeperThan(req.body, MAX_BODY_DEPTH)) {
      return next(new GatewayException(GatewayErrorCode.ValidationFailed, `The request body nests deeper than ${MAX_BODY_DEPTH} levels`));
    }
    next();
  };
  const toJsonError: ErrorRequestHandler = (err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const { status, body } = toErrorResponse(err);
    res.status(status).json(body);
  };
  return [fastJsonBody(limitKb * 1024), express.json({ limit: `${limitKb}kb`, strict: true }), onlyObjects, toJsonError];
}
