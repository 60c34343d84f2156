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
