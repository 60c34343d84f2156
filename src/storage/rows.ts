/**
 * The rows of the two central tables as every query selects them — the chat's storage, moderation, the
 * admin's lists and exports, private-room history — with their column lists, so a column is added in one
 * place. Ids and counts arrive as numbers on both drivers (`int8.ts`).
 */

/** A `chat_rooms` row. */
export interface RoomRow {
  id: number;
  user1_id: string;
  user2_id: string;
  match_type: string;
  created_at: Date;
  ended_at: Date | null;
  is_active: boolean;
  end_reason: string | null;
  /** Each side's client network hash, when it was known. */
  user1_network: string | null;
  user2_network: string | null;
}

/** A `messages` row. */
export interface MessageRow {
  id: number;
  room_id: number;
  sender_id: string;
  /** Empty once erased. */
  content: string;
  created_at: Date;
  /** The sender's client id for the message, which makes a resend idempotent. */
  cid: string | null;
  /** When the text was erased, and by whom (`sender` or `admin`); null while it is there. */
  erased_at: Date | null;
  erased_by: string | null;
}

const ROOM_FIELDS: readonly (keyof RoomRow)[] = [
  'id', 'user1_id', 'user2_id', 'match_type', 'created_at', 'ended_at', 'is_active', 'end_reason', 'user1_network', 'user2_network',
];
const MESSAGE_FIELDS: readonly (keyof MessageRow)[] = ['id', 'room_id', 'sender_id', 'content', 'created_at', 'cid', 'erased_at', 'erased_by'];

/** The columns of a `RoomRow`, qualified with the table's alias in the query when it has one (`r.id, …`). */
export function roomColumns(alias?: string): string {
  return qualified(ROOM_FIELDS, alias);
}

/** The columns of a `MessageRow`, qualified with the table's alias in the query when it has one (`m.id, …`). */
export function messageColumns(alias?: string): string {
  return qualified(MESSAGE_FIELDS, alias);
}

function qualified(fields: readonly string[], alias: string | undefined): string {
  return fields.map((f) => (alias ? `${alias}.${f}` : f)).join(', ');
}
