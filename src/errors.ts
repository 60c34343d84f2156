import { ErrorCode } from './shared/codes.js';

/** An expected failure with a stable wire code. Anything else thrown is an internal error. */
export class AppError extends Error {
  override name = 'AppError';
  /** With RATE_LIMITED / SERVER_BUSY: when a retry makes sense. */
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly code: ErrorCode,
    options?: { cause?: unknown; detail?: string; retryAfterMs?: number },
  ) {
    super(options?.detail ?? code, options?.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterMs = options?.retryAfterMs;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

export { ErrorCode };
