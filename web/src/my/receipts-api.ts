/**
 * The /my page's calls: a conversation by receipt code, its files to download, erasing one's own messages
 * in it, and the identity cookie's recent chats. Failures come back as a `ReceiptFailure` with the
 * server's code (`{error: CODE, message}`, src/shared/codes.ts) the page can explain.
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

/** A refusal as the page tells it: the server's code, and with the codes that wait, its Retry-After. */
async function failureOf(response: Response): Promise<ReceiptFailure> {
  const body = (await response.json().catch(() => ({}))) as { error?: ErrorCode };
  const code = body.error ?? 'INTERNAL_ERROR';
  const waits = code === 'RATE_LIMITED' || code === 'REPORT_WINDOW_OPEN';
  return new ReceiptFailure(code, waits ? Number(response.headers.get('retry-after') ?? '60') || 60 : 0);
}

async function answer<T>(response: Response): Promise<T> {
  if (response.ok) return (await response.json()) as T;
  throw await failureOf(response);
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

/** A downloaded file: its bytes as they came, and the name the server gave it. */
export interface DownloadedFile {
  name: string;
  blob: Blob;
}

/**
 * The file name in a Content-Disposition (`attachment; filename="chat-….txt"`, or RFC 5987's
 * `filename*=UTF-8''…`); undefined without one.
 */
export function dispositionName(header: string | null): string | undefined {
  if (header === null) return undefined;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header)?.[1];
  if (extended !== undefined) {
    try {
      return decodeURIComponent(extended.trim());
    } catch {
      // A malformed escape: the plain name, if there is one.
    }
  }
  const plain = /filename\s*=\s*(?:"([^"]*)"|([^;]+))/i.exec(header);
  const name = (plain?.[1] ?? plain?.[2])?.trim();
  return name ? name : undefined;
}

/**
 * A download of `url` (`downloadUrls`), read whole so a refusal can be told rather than saved as a file.
 * A body cut short (the server fails past its first byte, the network drops) is a failure too, not a
 * truncated file. `fallbackName` when the server names none.
 */
export async function fetchDownload(url: string, fallbackName: string): Promise<DownloadedFile> {
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'same-origin' });
  } catch {
    throw new ReceiptFailure('INTERNAL_ERROR');
  }
  if (!response.ok) throw await failureOf(response);
  try {
    const blob = await response.blob();
    return { name: dispositionName(response.headers.get('content-disposition')) ?? fallbackName, blob };
  } catch {
    throw new ReceiptFailure('INTERNAL_ERROR');
  }
}
