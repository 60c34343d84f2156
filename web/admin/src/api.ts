/**
 * Calls to the admin JSON API. The session cookie travels by itself (same origin); a 401 means the session
 * ended, so the page goes back to the login form.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
  if (response.status === 401) {
    window.location.assign('/admin');
    throw new ApiError(401, 'unauthorized');
  }
  const body = (await response.json().catch(() => ({}))) as T & { message?: string };
  if (!response.ok) throw new ApiError(response.status, body.message ?? response.statusText);
  return body;
}

export async function postJson(path: string, body: unknown): Promise<Response> {
  return fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    credentials: 'same-origin',
    body: JSON.stringify(body),
  });
}

/**
 * A change through the API (POST or PUT with a JSON body, DELETE without one): the parsed answer, or an
 * `ApiError` with the server's message. A 401 goes back to the login form, as reads do.
 */
export async function sendJson<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json', accept: 'application/json' },
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status === 401) {
    window.location.assign('/admin');
    throw new ApiError(401, 'unauthorized');
  }
  const answer = (await response.json().catch(() => ({}))) as T & { message?: string };
  if (!response.ok) throw new ApiError(response.status, answer.message ?? response.statusText);
  return answer;
}
