/**
 * The SQL of the conversation filters, shared by the list and the exports so both select the same rooms.
 * Everything user-supplied travels as a parameter.
 */
import type { RoomFilters } from './filters.js';

/** WHERE conditions (on `chat_rooms r`) accumulating their parameters into `params`. */
export function roomFilterConditions(filters: RoomFilters, params: unknown[]): string[] {
  const add = (value: unknown) => `$${params.push(value)}`;
  const conditions: string[] = [];
  if (filters.from) conditions.push(`r.created_at >= ${add(filters.from)}`);
  if (filters.to) conditions.push(`r.created_at < ${add(filters.to)}`);
  if (filters.user) {
    const p = add(filters.user);
    conditions.push(`(r.user1_id = ${p} OR r.user2_id = ${p})`);
  }
  if (filters.status === 'active') conditions.push('r.is_active');
  if (filters.status === 'closed') conditions.push('NOT r.is_active');
  if (filters.q) {
    // Plain ILIKE per room (via the room_id index), no trigram index: see the admin notes in the report.
    conditions.push(`EXISTS (SELECT 1 FROM messages m WHERE m.room_id = r.id AND m.content ILIKE ${add(`%${escapeLike(filters.q)}%`)})`);
  }
  return conditions;
}

/** `%`, `_` and the escape character itself match literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export const ROOM_COLUMNS = 'r.id, r.user1_id, r.user2_id, r.created_at, r.ended_at, r.is_active, r.end_reason';

/** A `chat_rooms` row as the admin queries select it. */
export interface AdminRoomRow {
  id: string | number;
  user1_id: string;
  user2_id: string;
  created_at: Date;
  ended_at: Date | null;
  is_active: boolean;
  end_reason: string | null;
}

/** A `messages` row as the admin queries select it. */
export interface AdminMessageRow {
  id: string | number;
  room_id: string | number;
  sender_id: string;
  /** Empty once erased. */
  content: string;
  created_at: Date;
  /** When the text was erased, and by whom (`sender` or `admin`); null while it is there. */
  erased_at?: Date | null;
  erased_by?: string | null;
}

export const MESSAGE_COLUMNS = 'id, room_id, sender_id, content, created_at, erased_at, erased_by';
