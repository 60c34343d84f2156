/**
 * The /my page's calls: a conversation by receipt code, erasing one's own messages in it, and the
 * identity cookie's recent chats. Failures come back as a `ReceiptFailure` the page can explain.
 */
import type { MyChat } from '../../../src/http/receipt-routes.js';
import type { Transcript } from '../../../src/privacy/transcript.js';

export type FailureKind = 'not_found' | 'rate_limited' | 'under_review' | 'cross_site' | 'failed';

export class ReceiptFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    /** With `rate_limited`: seconds until trying again makes sense. */
    readonly retryAfterS = 0,
  ) {
    super(kind);
  }
}

const path = (code: string) => `/api/receipts/${encodeURIComponent(code)}`;

/** Where the text transcript (labels in `lang`) and the JSON file download from. */
export function downloadUrls(code: string, lang: string): { txt: string; json: string } {
  return { txt: `${path(code)}?format=txt&lang=${encodeURIComponent(lang)}`, json: `${path(code)}?download=1` };
}

async function answer<T>(response: Response): Promise<T> {
  if (response.ok) return (await response.json()) as T;
  if (response.status === 404) throw new ReceiptFailure('not_found');
  if (response.status === 429) throw new ReceiptFailure('rate_limited', Number(response.headers.get('retry-after') ?? '60') || 60);
  if (response.status === 409) throw new ReceiptFailure('under_review');
  if (response.status === 403) throw new ReceiptFailure('cross_site');
  throw new ReceiptFailure('failed');
}

/** Network errors become `failed`, like a server error. */
async function call<T>(request: () => Promise<Response>): Promise<T> {
  let response: Response;
  try {
    response = await request();
  } catch {
    throw new ReceiptFailure('failed');
  }
  return answer<T>(response);
}

export function fetchTranscript(code: string): Promise<Transcript> {
  return call(() => fetch(path(code), { headers: { accept: 'application/json' } }));
}

export function eraseOwn(code: string): Promise<{ room_id: number; erased: number; erased_at: string }> {
  return call(() => fetch(`${path(code)}/erase`, { method: 'POST', headers: { accept: 'application/json' } }));
}

export function fetchRecentChats(): Promise<{ user_id: string | null; chats: MyChat[] }> {
  return call(() => fetch('/api/my/chats', { headers: { accept: 'application/json' }, credentials: 'same-origin' }));
}
