/**
 * Error answers of the admin routes: always JSON `{error, message}` with a stable `error` code.
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';

export type AdminErrorCode =
  | 'invalid_request'
  | 'password_in_url'
  | 'cross_site_request'
  | 'unauthorized'
  | 'invalid_password'
  | 'rate_limited'
  | 'not_found'
  /** The request fits, but not what is stored now (a report already decided). */
  | 'conflict'
  /** A sanction by address, for someone whose network is not stored. */
  | 'no_network'
  /** An erasure of a conversation under review (an open report), without `force`. */
  | 'report_open'
  | 'internal_error';

/** A failure with its HTTP status, thrown from hooks (which can't simply return a reply). */
export class AdminHttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: AdminErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function sendError(reply: FastifyReply, statusCode: number, code: AdminErrorCode, message: string): FastifyReply {
  return reply.code(statusCode).header('cache-control', 'no-store').send({ error: code, message });
}

/** Maps anything thrown inside the admin plugin to JSON; internals never reach the client. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AdminHttpError, request, reply) => {
    if (error instanceof AdminHttpError) return sendError(reply, error.statusCode, error.code, error.message);
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return sendError(reply, status, 'invalid_request', error.message);
    request.log.error({ err: error }, 'admin request failed');
    return sendError(reply, 500, 'internal_error', 'Internal Server Error');
  });
}
