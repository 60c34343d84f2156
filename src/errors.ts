import { ErrorCode, errorStatus, errorText, type Lang } from './shared/codes.js';

/**
 * An expected failure with a stable wire code (src/shared/codes.ts). Anything else thrown is an internal
 * error. `detail` is a specific human message: HTTP answers show it instead of the catalogue text (admin
 * forms need "Report 7 is already dismissed", not "conflict"); socket answers never do (see `httpMessage`).
 */
export class AppError extends Error {
  override name = 'AppError';
  readonly detail: string | undefined;
  /** With RATE_LIMITED / SERVER_BUSY: when a retry makes sense. */
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly code: ErrorCode,
    options?: { cause?: unknown; detail?: string; retryAfterMs?: number },
  ) {
    super(options?.detail ?? code, options?.cause === undefined ? undefined : { cause: options.cause });
    this.detail = options?.detail;
    this.retryAfterMs = options?.retryAfterMs;
  }

  /** The HTTP status of its code. */
  get status(): number {
    return errorStatus[this.code];
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/**
 * The `message` an HTTP answer carries: the detail when one was given, else the catalogue text in `lang`.
 * Socket answers use the catalogue text alone: their details are written for logs and may say more than
 * a stranger should learn ("closed by a block").
 */
export function httpMessage(error: AppError, lang: Lang): string {
  return error.detail ?? errorText[lang][error.code];
}

export { ErrorCode };
