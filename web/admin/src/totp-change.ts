/**
 * A change to the admin's own two-factor authentication — its confirmation, turning it off, new recovery
 * codes — sent to the server, and a refusal of one said in the page's language.
 */
import { canonicalRecoveryCode } from '../../../src/shared/recovery-code.js';
import { ApiError, errorOf, noteForbidden } from './api.js';
import { errorTextKey } from './account-fields.js';
import { t } from './i18n.js';
import { sessionEnded } from './session-end.js';

/** A refused 2FA change, with the answer's Retry-After (seconds) for a 429. */
class TotpChangeRefused extends ApiError {
  constructor(
    status: number,
    code: ApiError['code'],
    message: string,
    readonly retryAfter: string,
  ) {
    super(status, code, message);
  }
}

/**
 * Turns 2FA on (its confirmation) or off, or makes new recovery codes: the answer's body. Sent raw (not
 * through `sendJson`) to read the Retry-After of a 429 (too many codes tried); a 401 ends the session as
 * every other call does.
 */
export async function sendTotpChange(method: 'POST' | 'DELETE', path: string, body: { code: string; password: string }): Promise<unknown> {
  const response = await fetch(path, {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    credentials: 'same-origin',
    body: JSON.stringify(body),
  });
  if (response.ok) return response.json().catch(() => ({}));
  if (response.status === 401) {
    sessionEnded((await errorOf(response)).code);
    throw new ApiError(401, 'UNAUTHORIZED', t('sessionExpired'));
  }
  const { code, message } = await errorOf(response);
  noteForbidden(code);
  throw new TotpChangeRefused(response.status, code, message, response.headers.get('retry-after') ?? '60');
}

/**
 * A failure of a 2FA step as a text, by its code: the wrong code (an app's or a recovery code, by the
 * form of what was `typed`), too many codes, the role, … (never the server's English).
 */
export function totpFailure(error: unknown, typed = ''): () => string {
  const code = error instanceof ApiError ? (error.code as string) : undefined;
  const n = error instanceof TotpChangeRefused ? error.retryAfter : '60';
  const key = code === 'INVALID_TOTP' && canonicalRecoveryCode(typed) !== undefined ? 'invalidRecoveryCode' : errorTextKey(code);
  return () => t(key, { n });
}
