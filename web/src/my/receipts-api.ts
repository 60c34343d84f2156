/**
 * The /my page's calls: a conversation by receipt code, erasing one's own messages in it, and the
 * identity cookie's recent chats. Failures come back as a `ReceiptFailure` with the server's code
 * (`{error: CODE, message}`, src/shared/codes.ts) the page can explain.
 */
import type { MyChat } from '../../../src/shared/protocol.js';
import type { Transcript } from '../../../src/privacy/transcript.js';
import type { ErrorCode } from '../../../src/shared/codes.js';

export class ReceiptFailure extends Error {
  constructor(
    /** INTERNAL_ERROR as well when the network failed or the answer carried no code. */
    readonly code: ErrorCode,
    /** With RATE_LIMITED and REPORT_WINDOW_OPEN: seconds until trying again makes sense. */
    readonly retryAfterS = 0,
  ) {
    super(code);
  }
}

const path = (code: string) => `/api/receipts/${encodeURIComponent(code)}`;

/** Where the text transcript (labels in `lang`) and the JSON file download from. */
export function downloadUrls(code: string, lang: string): { txt: string; json: string } {
  return { txt: `${path(code)}?format=txt&lang=${encodeURIComponent(lang)}`, json: `${path(code)}?download=1` };
}

async function answer<T>(response: Response): Promise<T> {
  if (response.ok) return (await response.json()) as T;
  const body = (await response.json().catch(() => ({}))) as { error?: ErrorCode };
  const code = body.error ?? 'INTERNAL_ERROR';
  const waits = code === 'RATE_LIMITED' || code === 'REPORT_WINDOW_OPEN';
  throw new ReceiptFailure(code, waits ? Number(response.headers.get('retry-after') ?? '60') || 60 : 0);
}

/** Network errors are told like a server error. */
async function call<T>(request: () => Promise<Response>): Promise<T> {
  let response: Response;
  try {
    response = await request();
  } catch {
    throw new ReceiptFailure('INTERNAL_ERROR');
  }
  return answer<T>(response);
}

/**
 * A conversation as read, and when its answer arrived on the page's monotonic clock (`performance.now()`,
 * as the Erase button's wait reads it): `erasable_in_ms` counts from then, not from the browser's clock.
 */
export interface ReadTranscript {
  transcript: Transcript;
  receivedAtMs: number;
}

export async function fetchTranscript(code: string): Promise<ReadTranscript> {
  let receivedAtMs = 0;
  const transcript = await call<Transcript>(async () => {
    const response = await fetch(path(code), { headers: { accept: 'application/json' } });
    // On the headers: the server read its clock just before sending them (a long body takes a while to come).
    receivedAtMs = performance.now();
    return response;
  });
  return { transcript, receivedAtMs };
}

export function eraseOwn(code: string): Promise<{ room_id: number; erased: number; erased_at: string }> {
  return call(() => fetch(`${path(code)}/erase`, { method: 'POST', headers: { accept: 'application/json' } }));
}

export function fetchRecentChats(): Promise<{ user_id: string | null; chats: MyChat[] }> {
  return call(() => fetch('/api/my/chats', { headers: { accept: 'application/json' }, credentials: 'same-origin' }));
}
