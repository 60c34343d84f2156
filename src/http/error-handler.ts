/**
 * The one error answer of every HTTP route, public and admin alike: JSON `{error: CODE, message}` with
 * `cache-control: no-store`, CODE from the catalogue (src/shared/codes.ts).
 * - an `AppError`: its code's status; its detail, else the catalogue text in the request's language;
 * - any other 4xx (Fastify's validation, body parsing, the rate limiter): a code by status, with the
 *   thrower's own message, which is about the request and safe to show;
 * - anything else: 500 INTERNAL_ERROR, logged with its stack; nothing about it reaches the client.
 * Installed once on the root instance, before anything is registered: Fastify gives every route the error
 * handler in force where it is declared, and encapsulated plugins (the admin) inherit the root's.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, httpMessage, isAppError } from '../errors.js';
import { ErrorCode, errorText } from '../shared/codes.js';
import { requestLang } from './request-lang.js';

/** Codes of the client errors that are not `AppError`s (thrown by Fastify or a plugin). */
const codeByStatus: Readonly<Record<number, ErrorCode>> = {
  400: ErrorCode.INVALID_PAYLOAD,
  401: ErrorCode.UNAUTHORIZED,
  404: ErrorCode.NOT_FOUND,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  429: ErrorCode.RATE_LIMITED,
};

function send(reply: FastifyReply, status: number, code: ErrorCode, message: string): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').send({ error: code, message });
}

function sendAppError(error: AppError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  // An expected 5xx (storage unreachable…) is worth a warning with what caused it, not an error.
  if (error.status >= 500) request.log.warn({ err: error.cause ?? error, code: error.code }, 'request refused');
  if (error.retryAfterMs !== undefined) void reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))));
  return send(reply, error.status, error.code, httpMessage(error, requestLang(request)));
}

function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (isAppError(error)) return sendAppError(error, request, reply);
  const status = (error as Partial<FastifyError> | undefined)?.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    // Other 4xx (405, 406…) keep their status; their code says only that the request was wrong.
    return send(reply, status, codeByStatus[status] ?? ErrorCode.INVALID_PAYLOAD, (error as Error).message);
  }
  request.log.error({ err: error }, 'request failed');
  return send(reply, 500, ErrorCode.INTERNAL_ERROR, errorText[requestLang(request)].INTERNAL_ERROR);
}

/** Sets the root's error and not-found handlers; call right after creating the instance. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    // The path without its query, which may hold what the asker typed into a form.
    const path = request.url.split('?')[0];
    return send(reply, 404, ErrorCode.NOT_FOUND, `No route ${request.method} ${path}`);
  });
}
