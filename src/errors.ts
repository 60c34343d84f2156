import { ErrorCode, errorStatus, errorText, type Lang } from './shared/codes.js';

/** A specific message in each language the pages come in: what an admin page in Chinese shows in Chinese. */
export type LocalizedText = Record<Lang, string>;

/**
 * An expected failure with a stable wire code (src/shared/codes.ts). Anything else thrown is an internal
 * error. `detail` is a specific human message: HTTP answers show it instead of the catalogue text (admin
 * forms need "Report 7 is already dismissed", not "conflict"); socket answers never do (see `httpMessage`).
 * A detail a page shows as it is — an admin form's — comes in both languages (`LocalizedText`); one in
 * English only is for API clients and logs (a schema's complaint), and pages say their own text instead.
 */
export class AppError extends Error {
  override name = 'AppError';
  readonly detail: string | LocalizedText | undefined;
  /** With RATE_LIMITED / SERVER_BUSY: when a retry makes sense. */
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly code: ErrorCode,
    options?: { cause?: unknown; detail?: string | LocalizedText; retryAfterMs?: number },
  ) {
    const detail = options?.detail;
    // Logs read English.
    super((typeof detail === 'string' ? detail : detail?.en) ?? code, options?.cause === undefined ? undefined : { cause: options.cause });
    this.detail = detail;
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
  const { detail } = error;
  if (detail === undefined) return errorText[lang][error.code];
  return typeof detail === 'string' ? detail : detail[lang];
}

export { ErrorCode };
