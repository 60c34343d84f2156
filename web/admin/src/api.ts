/**
 * Calls to the admin JSON API. The session cookie travels by itself (same origin); a 401 means the session
 * ended, so the page goes back to the login form at the same address (session-end.ts), to come back there. Failures are `{error: CODE, message}` (the catalogue of
 * src/shared/codes.ts); the page switches on the code and shows the message, which names what went wrong.
 */
import type { ErrorCode } from '../../../src/shared/codes.js';
import { getLang, t } from './i18n.js';
import { sessionEnded } from './session-end.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The catalogue code; INTERNAL_ERROR when the answer carried none (a proxy's error page). */
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

let forbiddenListener: (() => void) | undefined;

/**
 * Called after every 403 FORBIDDEN answer (the admin's role may have been changed by another owner): the
 * admin page reads `/admin/api/me` again and shows what the role now allows.
 */
export function onForbidden(listener: () => void): void {
  forbiddenListener = listener;
}

/** Tells the page a 403 FORBIDDEN came back (raw `fetch` callers use it too). */
export function noteForbidden(code: string): void {
  if (code === 'FORBIDDEN') forbiddenListener?.();
}

/** An error answer's code and message. */
export async function errorOf(response: Response): Promise<{ code: ErrorCode; message: string }> {
  const body = (await response.json().catch(() => ({}))) as { error?: ErrorCode; message?: string };
  return { code: body.error ?? 'INTERNAL_ERROR', message: body.message ?? response.statusText };
}

async function answer<T>(response: Response): Promise<T> {
  if (response.status === 401) {
    sessionEnded((await errorOf(response)).code);
    // Shown where the call failed until the login form comes: in the page's language.
    throw new ApiError(401, 'UNAUTHORIZED', t('sessionExpired'));
  }
  if (!response.ok) {
    const { code, message } = await errorOf(response);
    noteForbidden(code);
    throw new ApiError(response.status, code, message);
  }
  return (await response.json().catch(() => ({}))) as T;
}

/** `background`: the page refreshing itself (not the admin at work): it does not keep the session alive. */
export async function getJson<T>(path: string, options: { background?: boolean } = {}): Promise<T> {
  return (await requestJson<T>('GET', path, options.background ? { headers: { 'x-admin-background': '1' } } : {})).body;
}

export async function postJson(path: string, body: unknown): Promise<Response> {
  return fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'accept-language': getLang() },
    credentials: 'same-origin',
    body: JSON.stringify(body),
  });
}

/**
 * A change through the API (POST, PUT or PATCH with a JSON body, DELETE with or without one): the parsed answer, or an
 * `ApiError` with the server's code and message. A 401 goes back to the login form, as reads do.
 */
export async function sendJson<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  return (await requestJson<T>(method, path, body === undefined ? {} : { body })).body;
}

/**
 * Any call with the answer's headers too (an `ETag`, say) and extra request headers (`If-Match`): the
 * parsed answer and its headers, or an `ApiError` as above.
 */
export async function requestJson<T>(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ body: T; headers: Headers }> {
  const hasBody = options.body !== undefined;
  const response = await fetch(path, {
    method,
    // The page's language, not the browser's: a refusal's text is shown as the server words it (src/admin/refusals.ts).
    headers: { accept: 'application/json', 'accept-language': getLang(), ...(hasBody ? { 'content-type': 'application/json' } : {}), ...options.headers },
    credentials: 'same-origin',
    ...(hasBody ? { body: JSON.stringify(options.body) } : {}),
  });
  return { body: await answer<T>(response), headers: response.headers };
}
