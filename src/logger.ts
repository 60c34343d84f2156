import pino, { type Logger } from 'pino';

/**
 * Structured logs. Message text, passwords, cookies and tokens never reach them: we don't log them,
 * and redaction catches the usual places if someone does by mistake.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: ['password', '*.password', 'content', '*.content', 'req.headers.cookie', 'req.headers.authorization', 'token', '*.token'],
      censor: '[redacted]',
    },
  });
}
