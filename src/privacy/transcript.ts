/**
 * One side's copy of a conversation, as a receipt opens it: who said what is `me` or `partner` (no
 * identity of either is shown), times in the configured zone, erased messages as markers with when and
 * by whom they were erased — never their text, which is gone. As JSON, or as a plain-text transcript,
 * read and written a page of messages at a time (a conversation has no length cap).
 */
import type { Lang } from '../shared/codes.js';
import { indentLineBreaks } from '../shared/line-breaks.js';
import { formatIso } from '../shared/time.js';
import type { Database } from '../storage/database.js';
import { messageColumns, roomColumns, type MessageRow, type RoomRow } from '../storage/rows.js';
import type { ErasedBy, ErasureBlock } from './erasure.js';

/** A message of the conversation as its holder sees it. */
export interface TranscriptMessage {
  id: number;
  from: 'me' | 'partner';
  /** ISO 8601 with the configured zone's offset. */
  time: string;
  /** Absent once erased. */
  text?: string;
  /** Present once erased: when (ISO 8601, zone offset) and by whom. */
  erased_at?: string;
  erased_by?: ErasedBy;
}

/**
 * Why the holder cannot erase their messages now — the refusal `POST …/erase` would give (the same checks):
 * `report_window` (409 REPORT_WINDOW_OPEN) the partner may still report the chat, until `erasable_at`;
 * `report_open` (409 REPORT_OPEN) a report on it is under review, with no known end; `sanction_in_force`
 * (409 SANCTION_IN_FORCE) a report on it naming the holder led to a sanction still in force; `active` (409
 * CONFLICT) it has not ended.
 */
export type EraseBlocked = 'report_window' | 'report_open' | 'sanction_in_force' | 'active';

/**
 * What would stop the holder's erasure, as of the reading: in the JSON view only (`GET
 * /api/receipts/:code`), never in a download, which keeps what lasts rather than a moment's state.
 */
export interface EraseState {
  /** Null: nothing stops an erasure (it may still be refused: a report filed since), or it could not be checked. */
  erase_blocked: EraseBlocked | null;
  /** With `report_window`: from when the holder may erase (ISO 8601, zone offset, rounded up to the second); else null. */
  erasable_at: string | null;
  /**
   * With `report_window`: milliseconds from the reading until `erasable_at` (≥ 0), by the server's clock, so
   * a page times its wait from the answer's arrival and not by its own clock, which may be off; else null.
   */
  erasable_in_ms: number | null;
}

/** The erase state when it is not known (the check failed): the erasure decides, with its own checks. */
export const UNKNOWN_ERASE_STATE: EraseState = Object.freeze({ erase_blocked: null, erasable_at: null, erasable_in_ms: null });

/** A conversation as its downloads have it (`?download=1`): the holder's copy, without an erase state. */
export interface TranscriptFile {
  room_id: number;
  /** The receipt code, grouped for reading. */
  code: string;
  /** The IANA zone every time is given in. */
  timezone: string;
  started_at: string;
  ended_at: string | null;
  messages: TranscriptMessage[];
}

/** `GET /api/receipts/:code`: the holder's copy of the conversation, and what would stop an erasure now. */
export interface Transcript extends TranscriptFile, EraseState {}

/** The conversation's own fields: everything but its messages, the erase state only in the JSON view. */
export type TranscriptHead = Omit<TranscriptFile, 'messages'> & Partial<EraseState>;

/** A conversation being read: its head, and its messages a database page at a time. */
export interface OpenTranscript {
  head: TranscriptHead;
  /** Messages in id order, one page per item (the first already read, possibly empty); stops once the signal aborts. */
  pages: AsyncGenerator<TranscriptMessage[]>;
}

/**
 * Messages per statement. A room has no length cap (two people at 5 messages a second write ~860,000 a
 * day); keyset pages keep memory at one page (at most ~1 MB of rows) and every statement short, so chat
 * writes get the connection between pages (PGlite has only one). Same size as the admin export's pages.
 */
export const TRANSCRIPT_PAGE_SIZE = 2_000;

/**
 * The erase state of a transcript read at `at`, from what would stop the holder's erasure then
 * (`ConversationErasure.ownErasureBlock`; undefined: nothing).
 */
export function eraseState(block: ErasureBlock | undefined, at: Date, timezone: string): EraseState {
  if (block === undefined || block.status === 'not_found') return UNKNOWN_ERASE_STATE;
  if (block.status !== 'report_window') return { erase_blocked: block.status, erasable_at: null, erasable_in_ms: null };
  // Whole seconds, as every time here: rounded up, so a page that waits for it is never refused for being early.
  const erasableMs = Math.ceil(block.erasableAt.getTime() / 1000) * 1000;
  return { erase_blocked: 'report_window', erasable_at: formatIso(new Date(erasableMs), timezone), erasable_in_ms: Math.max(0, erasableMs - at.getTime()) };
}

/**
 * Opens the conversation of `roomId` as `userId` sees it and reads its first page of messages, so a
 * failure shows before anything is sent; undefined when the room is gone. Nothing stays open between pages.
 * `erase`: what would stop the holder's erasure now (`eraseState`), for the JSON view; undefined for a
 * download, which then has no erase fields.
 */
export async function openTranscript(
  database: Database,
  holder: { roomId: number; userId: string; code: string },
  timezone: string,
  erase: EraseState | undefined,
  signal: AbortSignal,
): Promise<OpenTranscript | undefined> {
  const [room] = await database.query<RoomRow>(`SELECT ${roomColumns()} FROM chat_rooms WHERE id = $1`, [holder.roomId]);
  if (!room) return undefined;
  const readPage = (afterId: number) =>
    database.query<MessageRow>(`SELECT ${messageColumns()} FROM messages WHERE room_id = $1 AND id > $2 ORDER BY id LIMIT $3`, [holder.roomId, afterId, TRANSCRIPT_PAGE_SIZE]);
  const view = (m: MessageRow): TranscriptMessage => {
    const base = { id: m.id, from: m.sender_id === holder.userId ? ('me' as const) : ('partner' as const), time: formatIso(m.created_at, timezone) };
    return m.erased_at ? { ...base, erased_at: formatIso(m.erased_at, timezone), erased_by: m.erased_by === 'admin' ? 'admin' : 'sender' } : { ...base, text: m.content };
  };
  async function* pages(first: MessageRow[]): AsyncGenerator<TranscriptMessage[]> {
    let page = first;
    for (;;) {
      yield page.map(view);
      if (page.length < TRANSCRIPT_PAGE_SIZE || signal.aborted) return;
      page = await readPage(page.at(-1)!.id);
    }
  }
  return {
    head: {
      room_id: room.id,
      code: holder.code,
      timezone,
      started_at: formatIso(room.created_at, timezone),
      ended_at: room.ended_at ? formatIso(room.ended_at, timezone) : null,
      ...erase,
    },
    pages: pages(await readPage(0)),
  };
}

/** The JSON document (`Transcript`, or a `TranscriptFile` without an erase state), one piece per page: exactly `JSON.stringify` of the whole object. */
export async function* transcriptJson({ head, pages }: OpenTranscript): AsyncGenerator<string> {
  // The head's closing brace is replaced by the messages array, so fields keep the `Transcript` order.
  let piece = `${JSON.stringify(head).slice(0, -1)},"messages":[`;
  let written = 0;
  for await (const page of pages) {
    for (const m of page) piece += (written++ > 0 ? ',' : '') + JSON.stringify(m);
    yield piece;
    piece = '';
  }
  yield `${piece}]}`;
}

const TEXT: Record<Lang, { title: string; code: string; started: string; ended: string; zone: string; me: string; partner: string; erasedBySender: string; erasedByAdmin: string; none: string; notEnded: string }> = {
  'zh-CN': {
    title: '匿名聊天室 · 聊天记录',
    code: '回执码',
    started: '开始时间',
    ended: '结束时间',
    zone: '时区',
    me: '我',
    partner: '对方',
    erasedBySender: '〔已由发送者删除，{t}〕',
    erasedByAdmin: '〔已由管理员删除，{t}〕',
    none: '（这次聊天没有消息）',
    notEnded: '（未结束）',
  },
  en: {
    title: 'Anonymous Chat · conversation',
    code: 'Receipt',
    started: 'Started',
    ended: 'Ended',
    zone: 'Time zone',
    me: 'Me',
    partner: 'Partner',
    erasedBySender: '[erased by its sender, {t}]',
    erasedByAdmin: '[erased by an administrator, {t}]',
    none: '(no messages in this chat)',
    notEnded: '(not ended)',
  },
};

/**
 * The plain-text transcript (UTF-8 with a byte order mark, as the chat page's own "Save" writes, so that
 * older Windows editors read the Chinese right; `\n` line ends), times as `YYYY-MM-DD HH:mm:ss` in the
 * zone, one piece per page.
 */
export async function* transcriptText({ head, pages }: OpenTranscript, lang: Lang): AsyncGenerator<string> {
  const text = TEXT[lang];
  const plain = (iso: string) => iso.slice(0, 19).replace('T', ' ');
  let piece = '\ufeff' + [
    text.title,
    `${text.code}: ${head.code}`,
    `${text.started}: ${plain(head.started_at)}`,
    `${text.ended}: ${head.ended_at ? plain(head.ended_at) : text.notEnded}`,
    `${text.zone}: ${head.timezone}`,
    '',
    '',
  ].join('\n');
  let written = 0;
  for await (const page of pages) {
    for (const m of page) {
      const who = m.from === 'me' ? text.me : text.partner;
      const body =
        m.erased_at === undefined ? (m.text ?? '') : (m.erased_by === 'admin' ? text.erasedByAdmin : text.erasedBySender).replace('{t}', plain(m.erased_at));
      // A message's own line breaks are indented, so every line of the file still starts with a time or a space.
      piece += `[${plain(m.time)}] ${who}: ${indentLineBreaks(body, '    ')}\n`;
      written++;
    }
    yield piece;
    piece = '';
  }
  if (written === 0) yield `${text.none}\n`;
}
