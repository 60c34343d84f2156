import { ErrorCode } from './shared/codes.js';

/** An expected failure with a stable wire code. Anything else thrown is an internal error. */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    options?: { cause?: unknown; detail?: string },
  ) {
    super(options?.detail ?? code, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

export { ErrorCode };
