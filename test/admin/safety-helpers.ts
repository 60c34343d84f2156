/**
 * Test support for the admin side of the safety loop: people with fresh IDs, a conversation between two
 * of them (with each side's network HMAC, as the chat stores it), a report filed through the moderation
 * service as a chatter would, and the audit rows of one action.
 */
import { createHash } from 'node:crypto';
import type { ReportReason } from '../../src/shared/protocol.js';
import type { BareAdmin } from './helpers.js';

let counter = 0;

/** A fresh user ID (12 characters, like the chat's). */
export function newUserId(prefix: string): string {
  counter += 1;
  return `${prefix.slice(0, 6)}${String(counter).padStart(12 - prefix.slice(0, 6).length, '0')}`;
}

/** The network HMAC a test pretends a person connected from. */
export function networkFor(userId: string): string {
  return createHash('sha256').update(`net:${userId}`).digest('hex');
}

export interface SeededRoom {
  roomId: number;
  /** Ids of the messages, in the order given. */
  messageIds: number[];
}

/** An active conversation of `a` and `b` (their networks stored unless `networks: false`) with the messages given. */
export async function seedConversation(
  admin: BareAdmin,
  a: string,
  b: string,
  messages: readonly [sender: string, text: string][] = [],
  options: { networks?: boolean; at?: Date } = {},
): Promise<SeededRoom> {
  const at = options.at ?? new Date(admin.clock.now().getTime() - 60_000);
  const withNetworks = options.networks ?? true;
  const room = await admin.repository.createRoom({
    user1Id: a,
    user2Id: b,
    matchType: 'random',
    createdAt: at,
    ...(withNetworks ? { user1Network: networkFor(a), user2Network: networkFor(b) } : {}),
  });
  await admin.repository.appendMessages(
    messages.map(([sender, content], i) => ({ roomId: room.id, senderId: sender, content, createdAt: new Date(at.getTime() + (i + 1) * 1_000) })),
  );
  const ids = await admin.database.query<{ id: string | number }>('SELECT id FROM messages WHERE room_id = $1 ORDER BY id', [room.id]);
  return { roomId: room.id, messageIds: ids.map((r) => Number(r.id)) };
}

/** `reporter` reports their partner in the room, as the chat's `report` event does. Returns the report id. */
export async function fileReport(
  admin: BareAdmin,
  reporter: string,
  roomId: number,
  reason: ReportReason,
  extra: { note?: string; messageIds?: number[] } = {},
): Promise<number> {
  const report = await admin.moderation.report(reporter, {
    reason,
    room_id: roomId,
    ...(extra.note === undefined ? {} : { note: extra.note }),
    ...(extra.messageIds === undefined ? {} : { message_ids: extra.messageIds }),
  });
  return report.id;
}

export interface AuditRow {
  id: number;
  action: string;
  detail: Record<string, unknown>;
}

/** Audit rows of one action, oldest first. */
export async function auditOf(admin: BareAdmin, action: string): Promise<AuditRow[]> {
  const rows = await admin.database.query<{ id: string | number; action: string; detail: Record<string, unknown> | string }>(
    'SELECT id, action, detail FROM admin_audit_log WHERE action = $1 ORDER BY id',
    [action],
  );
  return rows.map((r) => ({ id: Number(r.id), action: r.action, detail: typeof r.detail === 'string' ? (JSON.parse(r.detail) as Record<string, unknown>) : r.detail }));
}

/** Headers of a request from another site, each way a browser says so. */
export const CROSS_SITE_HEADERS: Record<string, string>[] = [
  { 'sec-fetch-site': 'cross-site' },
  { 'sec-fetch-site': 'same-site' },
  { origin: 'https://evil.example' },
  { origin: 'null' },
];
