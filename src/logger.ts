import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

export interface LoggerOptions {
  /**
   * Human-readable lines (pino-pretty) instead of JSON: for a person at a terminal. main.ts turns it on
   * when stdout is a TTY; log collectors (pipes, files, journald) get one JSON object per line.
   */
  pretty?: boolean;
  /** Where lines go; default stdout. */
  destination?: DestinationStream | NodeJS.WritableStream;
}

/**
 * Field names whose values never reach a line, at the top level or one level down: message text,
 * passwords and secrets, cookies and tokens, client addresses, SQL parameters, and the admin's
 * conversation filters (search text, user ID), whose values are what the admin was looking for.
 */
const REDACTED_PATHS = [
  ...['password', 'adminPassword', 'secretKey', 'token', 'cookie', 'content', 'params'].flatMap((key) => [key, `*.${key}`]),
  ...['ip', 'remoteAddress', 'clientAddress', 'client_address'].flatMap((key) => [key, `*.${key}`]),
  ...['q', 'filters.q', 'filters.user', 'query.q', 'query.user'].flatMap((key) => [key, `*.${key}`]),
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-forwarded-for"]',
  'req.headers["x-real-ip"]',
];

/**
 * Structured logs. Message text, passwords, cookies, tokens, client addresses and admin filter values
 * never reach them: we don't log them, errors are logged through an allow-list (`serializeError`), and
 * redaction catches the usual field names if someone logs one by mistake.
 */
export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  const settings = {
    level,
    // Fastify's own serializers (its `err` logs every property; its `req` the query string and the
    // client's address) give way to these: a logger's serializers win over the ones Fastify adds.
    serializers: { err: serializeError, error: serializeError, req: serializeRequest },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  if (options.pretty) {
    // In this thread and synchronous (not a worker transport): a line is out before process.exit().
    // Colours follow the terminal (NO_COLOR turns them off).
    const stream = pretty({
      singleLine: true,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname',
      sync: true,
      ...(options.destination ? { destination: options.destination } : {}),
    });
    return pino(settings, stream);
  }
  return options.destination ? pino(settings, options.destination as DestinationStream) : pino(settings);
}

/** How many `cause` (or aggregated error) links are followed below the logged error. */
const ERROR_DEPTH_MAX = 3;
/** How many of an AggregateError's errors are logged (a failed connection to `localhost` has two). */
const AGGREGATED_ERRORS_MAX = 5;

/**
 * An error as it may be logged: its kind, message, stack and the codes that say what went wrong, the
 * same for its `cause` (and an AggregateError's errors) a few levels down — and nothing else. pino's
 * default serializer copies every enumerable property, and errors carry private data in them: PGlite's
 * the statement and its parameters (`query`, `params`: message texts, user IDs, search text),
 * PostgreSQL's `detail` and `where` (row values), ioredis's the command and its arguments.
 */
export function serializeError(value: unknown, depth = 0): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return { message: String(value) };
  const error = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const type = typeof value.constructor === 'function' && value.constructor !== Object ? value.constructor.name : undefined;
  if (type) out['type'] = type;
  if (typeof error['name'] === 'string' && error['name'] !== type) out['name'] = error['name'];
  for (const key of ['message', 'stack', 'code', 'routine', 'severity'] as const) {
    const field = error[key];
    if (typeof field === 'string' || (key === 'code' && typeof field === 'number')) out[key] = field;
  }
  const linked = depth < ERROR_DEPTH_MAX;
  if (error['cause'] !== undefined) out['cause'] = linked ? serializeError(error['cause'], depth + 1) : '[not followed]';
  const errors = error['errors'];
  if (Array.isArray(errors) && errors.length > 0) {
    out['aggregateErrors'] = linked ? errors.slice(0, AGGREGATED_ERRORS_MAX).map((e: unknown) => serializeError(e, depth + 1)) : '[not followed]';
  }
  return out;
}

/** A request as it may be logged: method and path; never the query string (filters, search text) or the client's address. */
export function serializeRequest(request: { method?: unknown; url?: unknown }): Record<string, unknown> {
  return { method: request.method, url: typeof request.url === 'string' ? request.url.split('?')[0] : undefined };
}
