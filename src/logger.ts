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
 * Structured logs. Message text, passwords, cookies, tokens and client addresses never reach them: we
 * don't log them, and redaction catches the usual places if someone does by mistake.
 */
export function createLogger(level: string, options: LoggerOptions = {}): Logger {
  const settings = {
    level,
    redact: {
      paths: ['password', '*.password', 'content', '*.content', 'req.headers.cookie', 'req.headers.authorization', 'token', '*.token'],
      censor: '[redacted]',
    },
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
