/**
 * Receipts: at the end of each chat both people get a code (receipt-codes.ts) that opens their side of
 * that conversation from any browser. Only the code's SHA-256 is stored, with the room and the identity.
 * Rows are written in batches (many chats end at once under load); a batch the database refused is
 * written again later, and the identity's own listing writes any row still missing, so a receipt always
 * ends up working — also for someone whose connection was gone when the chat ended.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { AppError, ErrorCode } from '../errors.js';
import { KeyedTimers } from '../keyed-timers.js';
import type { Database } from '../storage/database.js';
import { describeDbError, isDataError } from '../storage/database-errors.js';
import { GroupCommit } from '../storage/group-commit.js';
import type { ReceiptCodes } from './receipt-codes.js';

/** What the chat needs: the codes of an ended conversation's two sides, stored before they are told. */
export interface ReceiptIssuer {
  /** Codes for `userIds` in `roomId`, in that order. Never throws: a failed write is retried in the background. */
  issue(roomId: number, userIds: readonly string[]): Promise<string[]>;
}

/** Whose side of which conversation a receipt opens. */
export interface ReceiptHolder {
  roomId: number;
  userId: string;
}

/** One of the identity's recent chats, with its receipt code. */
export interface RecentChat {
  roomId: number;
  code: string;
  createdAt: Date;
  endedAt: Date;
  endReason: string | null;
  messageCount: number;
}

/** How far back `GET /api/my/chats` looks, and how many chats it lists at most. */
export const RECENT_CHATS_DAYS = 30;
export const RECENT_CHATS_MAX = 100;

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 60_000;

interface ReceiptRow {
  codeHash: string;
  roomId: number;
  userId: string;
  createdAt: Date;
}

// Only for chats still stored: one the retention purge removed since it was read (a listing racing the
// purge) is skipped, not a foreign-key error that failed the whole listing. FOR KEY SHARE (the lock the
// foreign key's own check takes) waits for a removal under way and then finds the chat gone.
const INSERT_SQL = `
INSERT INTO receipts (code_hash, room_id, user_id, created_at)
SELECT r.* FROM unnest($1::varchar[], $2::bigint[], $3::varchar[], $4::timestamptz[]) AS r(code_hash, room_id, user_id, created_at)
WHERE EXISTS (SELECT 1 FROM chat_rooms c WHERE c.id = r.room_id FOR KEY SHARE)
ON CONFLICT (code_hash) DO NOTHING`;

export class ReceiptBook implements ReceiptIssuer {
  private readonly writes: GroupCommit<ReceiptRow, void>;
  /** Rows whose write failed, tried again later (each failed set is its own key). */
  private readonly retries: KeyedTimers<ReceiptRow[]>;

  constructor(
    private readonly database: Database,
    private readonly codes: ReceiptCodes,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.retries = new KeyedTimers(clock);
    this.writes = new GroupCommit<ReceiptRow, void>((batch) => this.insert(batch), {
      maxBatch: 1_000,
      maxQueued: 100_000,
      busy: () => new AppError(ErrorCode.SERVER_BUSY),
      failed: (cause) => (isDataError(cause) ? new AppError(ErrorCode.INVALID_PAYLOAD, { cause }) : new AppError(ErrorCode.STORAGE_UNAVAILABLE, { cause })),
      // A room purged meanwhile fails its own rows only.
      retryApart: isDataError,
      onFailure: (cause, items) => logger.warn({ err: describeDbError(cause), receipts: items }, 'storing a batch of receipts failed'),
    });
  }

  async issue(roomId: number, userIds: readonly string[]): Promise<string[]> {
    const createdAt = this.clock.now();
    const codes = userIds.map((userId) => this.codes.codeFor(roomId, userId));
    const rows = userIds.map((userId, i) => ({ codeHash: this.codes.hashOf(codes[i]!), roomId, userId, createdAt }));
    await this.store(rows, FIRST_RETRY_MS);
    return codes;
  }

  /** The holder of a code, or undefined when no receipt has that code. */
  async find(canonicalCode: string): Promise<ReceiptHolder | undefined> {
    const rows = await this.database.query<{ room_id: number; user_id: string }>('SELECT room_id, user_id FROM receipts WHERE code_hash = $1', [
      this.codes.hashOf(canonicalCode),
    ]);
    const row = rows[0];
    return row ? { roomId: row.room_id, userId: row.user_id } : undefined;
  }

  /**
   * The identity's chats that ended within `RECENT_CHATS_DAYS`, newest first, with their codes. Rows
   * missing for them (the chat ended while the database was away, or on a server that stopped) are
   * written now.
   */
  async recentChats(userId: string): Promise<RecentChat[]> {
    const since = new Date(this.clock.now().getTime() - RECENT_CHATS_DAYS * 86_400_000);
    const rooms = await this.database.query<{ id: number; created_at: Date; ended_at: Date; end_reason: string | null; message_count: number; stored: boolean }>(
      `SELECT r.id, r.created_at, r.ended_at, r.end_reason, (SELECT count(*) FROM messages m WHERE m.room_id = r.id) AS message_count,
              EXISTS (SELECT 1 FROM receipts rc WHERE rc.room_id = r.id AND rc.user_id = $1) AS stored
       FROM chat_rooms r
       WHERE (r.user1_id = $1 OR r.user2_id = $1) AND NOT r.is_active AND r.ended_at >= $2
       ORDER BY r.ended_at DESC, r.id DESC LIMIT $3`,
      [userId, since, RECENT_CHATS_MAX],
    );
    const chats = rooms.map((r) => ({
      roomId: r.id,
      code: this.codes.codeFor(r.id, userId),
      createdAt: r.created_at,
      endedAt: r.ended_at,
      endReason: r.end_reason,
      messageCount: r.message_count,
    }));
    // Only the rows missing: a listing writes nothing in the usual case.
    const missing = chats.filter((_chat, i) => !rooms[i]!.stored);
    if (missing.length > 0) {
      const createdAt = this.clock.now();
      await this.insert(missing.map((c) => ({ codeHash: this.codes.hashOf(c.code), roomId: c.roomId, userId, createdAt })));
    }
    return chats;
  }

  /** Stops the retries still waiting (at shutdown); what they held is written by the next listing. */
  stop(): void {
    this.retries.stop();
  }

  private async store(rows: ReceiptRow[], nextDelayMs: number): Promise<void> {
    const outcomes = await Promise.allSettled(rows.map((row) => this.writes.submit(row)));
    const failed = rows.filter((_row, i) => {
      const outcome = outcomes[i]!;
      // A data error (the room is gone) never heals; anything else is tried again.
      return outcome.status === 'rejected' && !(outcome.reason instanceof AppError && outcome.reason.code === ErrorCode.INVALID_PAYLOAD);
    });
    if (failed.length === 0) return;
    this.retries.start(failed, nextDelayMs, () => void this.store(failed, Math.min(nextDelayMs * 2, MAX_RETRY_MS)));
  }

  private async insert(batch: readonly ReceiptRow[]): Promise<void[]> {
    // In one order everywhere: two instances ending the same chat at once (each issues both people's
    // receipts, its own person first) inserted the same keys in opposite orders, and PostgreSQL broke the
    // deadlock by failing one batch.
    const rows = [...batch].sort((a, b) => (a.codeHash < b.codeHash ? -1 : a.codeHash > b.codeHash ? 1 : 0));
    await this.database.query(INSERT_SQL, [
      rows.map((r) => r.codeHash),
      rows.map((r) => r.roomId),
      rows.map((r) => r.userId),
      rows.map((r) => r.createdAt.toISOString()),
    ]);
    return batch.map(() => undefined);
  }
}
