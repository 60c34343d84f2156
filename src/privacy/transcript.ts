/**
 * One side's copy of a conversation, as a receipt opens it: who said what is `me` or `partner` (no
 * identity of either is shown), times in the configured zone, erased messages as markers with when and
 * by whom they were erased — never their text, which is gone. As JSON, or as a plain-text transcript.
 */
import type { Lang } from '../shared/codes.js';
import { formatIso } from '../shared/time.js';
import type { Database } from '../storage/database.js';
import { messageColumns, roomColumns, type MessageRow, type RoomRow } from '../storage/rows.js';
import type { ErasedBy } from './erasure.js';

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

/** `GET /api/receipts/:code`: the holder's copy of the conversation. */
export interface Transcript {
  room_id: number;
  /** The receipt code, grouped for reading. */
  code: string;
  /** The IANA zone every time is given in. */
  timezone: string;
  started_at: string;
  ended_at: string | null;
  messages: TranscriptMessage[];
}

/** Reads the conversation of `roomId` as `userId` sees it; undefined when the room is gone. */
export async function readTranscript(database: Database, holder: { roomId: number; userId: string; code: string }, timezone: string): Promise<Transcript | undefined> {
  const [room] = await database.query<RoomRow>(`SELECT ${roomColumns()} FROM chat_rooms WHERE id = $1`, [holder.roomId]);
  if (!room) return undefined;
  const rows = await database.query<MessageRow>(
    `SELECT ${messageColumns()} FROM messages WHERE room_id = $1 ORDER BY id`,
    [holder.roomId],
  );
  return {
    room_id: room.id,
    code: holder.code,
    timezone,
    started_at: formatIso(room.created_at, timezone),
    ended_at: room.ended_at ? formatIso(room.ended_at, timezone) : null,
    messages: rows.map((m): TranscriptMessage => {
      const base = { id: m.id, from: m.sender_id === holder.userId ? ('me' as const) : ('partner' as const), time: formatIso(m.created_at, timezone) };
      return m.erased_at ? { ...base, erased_at: formatIso(m.erased_at, timezone), erased_by: m.erased_by === 'admin' ? 'admin' : 'sender' } : { ...base, text: m.content };
    }),
  };
}

const TEXT: Record<Lang, { title: string; room: string; code: string; started: string; ended: string; zone: string; me: string; partner: string; erasedBySender: string; erasedByAdmin: string; none: string; notEnded: string }> = {
  'zh-CN': {
    title: '匿名聊天室 · 聊天记录',
    room: '房间',
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
    room: 'Room',
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

/** The plain-text transcript (UTF-8, `\n` line ends), times as `YYYY-MM-DD HH:mm:ss` in the zone. */
export function transcriptText(transcript: Transcript, lang: Lang): string {
  const text = TEXT[lang];
  const plain = (iso: string) => iso.slice(0, 19).replace('T', ' ');
  const lines = [
    text.title,
    `${text.room}: ${transcript.room_id}`,
    `${text.code}: ${transcript.code}`,
    `${text.started}: ${plain(transcript.started_at)}`,
    `${text.ended}: ${transcript.ended_at ? plain(transcript.ended_at) : text.notEnded}`,
    `${text.zone}: ${transcript.timezone}`,
    '',
  ];
  if (transcript.messages.length === 0) lines.push(text.none);
  for (const m of transcript.messages) {
    const who = m.from === 'me' ? text.me : text.partner;
    const body =
      m.erased_at === undefined ? (m.text ?? '') : (m.erased_by === 'admin' ? text.erasedByAdmin : text.erasedBySender).replace('{t}', plain(m.erased_at));
    // A message's own line breaks are indented, so every line of the file still starts with a time or a space.
    lines.push(`[${plain(m.time)}] ${who}: ${body.replace(/\r\n?|\n/g, '\n    ')}`);
  }
  return `${lines.join('\n')}\n`;
}
