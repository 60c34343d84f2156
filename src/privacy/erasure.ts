/**
 * Erasing conversations: a message's text is emptied and the message kept as a marker — when and by whom
 * (`sender` through a receipt, or `admin`) — so both sides' views and the exports show that something
 * was said and erased, never what. A conversation with an open report is evidence: it is not erased
 * (an admin may force it). Each erasure is one statement that checks for an open report and erases
 * together, so a decision cannot slip in between the two. A holder cannot erase their own messages while the
 * partner may still report the chat (the report window after its end): a report names messages by id, and
 * the moderator must find their text; a page asks first what would stop it (`ownErasureBlock`, the same
 * checks), to say when its holder may erase. Nor while a report on the chat naming the holder led to a
 * sanction still in force: what the moderator sanctioned for stays for a second look (the sanction's
 * review, a repeat report) until the sanction is over or lifted — the holder's partner may still erase
 * theirs. Messages the content policy refused (held for
 * the moderators, never delivered, so nobody's view shows them) go with the rest: they are deleted.
 */
import type { Database, Queryable } from '../storage/database.js';

export type ErasedBy = 'sender' | 'admin';

/** What an erasure did: how many messages it emptied, or that an open report (or a live chat) stopped it. */
export type ErasureOutcome =
  /** `held`: messages the content policy had refused and held for the moderators, deleted with them. */
  | { status: 'erased'; messages: number; held: number; openReports: number }
  | { status: 'report_open'; openReports: number }
  /** A report on it naming the holder led to a sanction still in force: their messages are its evidence. */
  | { status: 'sanction_in_force' }
  /** The partner may still report the chat: a holder's erasure waits until `erasableAt`. */
  | { status: 'report_window'; erasableAt: Date }
  | { status: 'active' }
  | { status: 'not_found' };

/**
 * What stops an erasure now (its checks, erasing nothing): the conversation is gone, still going on, under
 * review, or — for a holder — still in the partner's report window.
 */
export type ErasureBlock = Exclude<ErasureOutcome, { status: 'erased' }>;

/**
 * Runs in the erasure's own transaction once it has erased (its audit row): if it fails, nothing was
 * erased — an erasure is never left without its record, nor a record without its erasure.
 */
export type AfterErasure = (tx: Queryable, erased: { messages: number; held: number; openReports: number }) => Promise<void>;

/** Erasing every conversation of one identity: what was erased and what was left, and why. */
export interface UserErasure {
  rooms: number[];
  messages: number;
  skipped: { roomId: number; reason: 'report_open' | 'active' }[];
  /** Rooms erased despite open reports (`force`), with how many. */
  forced: { roomId: number; openReports: number }[];
}

/** What an erasure checks: the room, whether it ended too recently, its open reports, the holder's sanctions from it. */
interface CheckRow {
  found: boolean;
  active: boolean | null;
  ended_at: Date | null;
  too_recent: boolean | null;
  open_reports: number;
  sanctions_in_force: number;
}

interface EraseRow extends CheckRow {
  erased: number;
  held: number;
}

/**
 * The checks of an erasure, as the CTEs `room`, `open` and `upheld` of the room `$room`: the room, whether
 * it ended after `$endedBefore` (null: however recently it ended), its open reports, and the sanctions in
 * force at `$at` that reports on it naming `$holder` led to (none for a null holder: an admin's erasure).
 * The same text in the erasure's statement and in the question whether one would erase, so the two cannot
 * disagree.
 */
const checkCtes = (room: string, endedBefore: string, holder: string, at: string) => `
room AS (
  SELECT id, is_active, ended_at, (ended_at IS NOT NULL AND ended_at > ${endedBefore}::timestamptz) AS too_recent FROM chat_rooms WHERE id = ${room}
),
open AS (SELECT count(*) AS n FROM reports WHERE room_id = ${room} AND status = 'open'),
upheld AS (
  SELECT count(*) AS n FROM reports p JOIN sanctions s ON s.report_id = p.id
  WHERE p.room_id = ${room} AND p.reported_id = ${holder}::varchar
    AND s.lifted_at IS NULL AND (s.ends_at IS NULL OR s.ends_at > ${at}::timestamptz)
)`;

const CHECK_COLUMNS = `EXISTS (SELECT 1 FROM room) AS found, (SELECT is_active FROM room) AS active,
       (SELECT ended_at FROM room) AS ended_at, (SELECT too_recent FROM room) AS too_recent,
       (SELECT n FROM open) AS open_reports, (SELECT n FROM upheld) AS sanctions_in_force`;

/** The checks alone: `$1` the room, `$2` the end it must precede (or null), `$3` the holder, `$4` now. */
const CHECK_SQL = `WITH ${checkCtes('$1', '$2', '$3', '$4')}
SELECT ${CHECK_COLUMNS}`;

/*
 * One statement: the room, its open reports, and the update only when the room has ended — before `$6`,
 * if given — and (unless forced) no report is open. `$2` null: every sender's messages; `$5` true: erase
 * despite open reports; `$6` null: however recently it ended.
 */
const ERASE_SQL = `
WITH ${checkCtes('$1', '$6', '$2', '$3')},
erased AS (
  UPDATE messages SET content = '', erased_at = $3::timestamptz, erased_by = $4::varchar
  WHERE room_id = $1 AND erased_at IS NULL AND ($2::varchar IS NULL OR sender_id = $2)
    AND EXISTS (SELECT 1 FROM room WHERE NOT is_active AND too_recent IS NOT TRUE)
    AND ($5::boolean OR (SELECT n FROM open) = 0) AND (SELECT n FROM upheld) = 0
  RETURNING id
),
held AS (
  DELETE FROM held_messages
  WHERE room_id = $1 AND ($2::varchar IS NULL OR sender_id = $2)
    AND EXISTS (SELECT 1 FROM room WHERE NOT is_active AND too_recent IS NOT TRUE)
    AND ($5::boolean OR (SELECT n FROM open) = 0) AND (SELECT n FROM upheld) = 0
  RETURNING id
)
SELECT ${CHECK_COLUMNS}, (SELECT count(*) FROM erased) AS erased, (SELECT count(*) FROM held) AS held`;

/**
 * What stops an erasure at `at`, from its checks (undefined: it erases). An open report comes first: past
 * the report window it still stops the erasure.
 */
function blockOf(row: CheckRow | undefined, at: Date, force: boolean, endedBefore: Date | null): ErasureBlock | undefined {
  if (!row?.found) return { status: 'not_found' };
  if (row.active) return { status: 'active' };
  if (row.open_reports > 0 && !force) return { status: 'report_open', openReports: row.open_reports };
  if (row.sanctions_in_force > 0) return { status: 'sanction_in_force' };
  if (row.too_recent && endedBefore && row.ended_at) {
    return { status: 'report_window', erasableAt: new Date(row.ended_at.getTime() + (at.getTime() - endedBefore.getTime())) };
  }
  return undefined;
}

export class ConversationErasure {
  constructor(private readonly database: Database) {}

  /**
   * Empties the holder's own messages in an ended conversation (their partner's stay), once `reportWindowMs`
   * have passed since it ended — until then the partner may still report it.
   */
  eraseOwn(roomId: number, userId: string, at: Date, reportWindowMs: number, after?: AfterErasure): Promise<ErasureOutcome> {
    return this.erase(roomId, userId, at, 'sender', false, new Date(at.getTime() - reportWindowMs), after);
  }

  /**
   * What would stop `eraseOwn` at `at` with the same `reportWindowMs` — its own checks, erasing nothing —
   * or undefined when it would erase: for a page to say when its holder may erase, not only that they may not.
   */
  async ownErasureBlock(roomId: number, userId: string, at: Date, reportWindowMs: number): Promise<ErasureBlock | undefined> {
    const endedBefore = new Date(at.getTime() - reportWindowMs);
    const [row] = await this.database.query<CheckRow>(CHECK_SQL, [roomId, endedBefore, userId, at]);
    return blockOf(row, at, false, endedBefore);
  }

  /** Empties every message of an ended conversation; `force` erases it even while a report is open. */
  async eraseRoom(roomId: number, at: Date, force: boolean, after?: AfterErasure): Promise<Exclude<ErasureOutcome, { status: 'report_window' | 'sanction_in_force' }>> {
    const outcome = await this.erase(roomId, null, at, 'admin', force, null, after);
    // An admin's erasure has no window to wait for (it is not asked for one), nor a holder to keep evidence against.
    if (outcome.status === 'report_window' || outcome.status === 'sanction_in_force') throw new Error(`an admin erasure was stopped by ${outcome.status}`);
    return outcome;
  }

  /**
   * Erases every ended conversation the identity took part in (rooms with an open report only if forced),
   * in one transaction with `after` (its audit row): all or nothing, never erased without its record.
   */
  async eraseUserRooms(userId: string, at: Date, force: boolean, after?: (tx: Queryable, erased: UserErasure) => Promise<void>): Promise<UserErasure | undefined> {
    const eraseAll = async (db: Queryable): Promise<UserErasure | undefined> => {
      const rooms = await db.query<{ id: number }>('SELECT id FROM chat_rooms WHERE user1_id = $1 OR user2_id = $1 ORDER BY id', [userId]);
      if (rooms.length === 0) return undefined;
      const result: UserErasure = { rooms: [], messages: 0, skipped: [], forced: [] };
      for (const { id: roomId } of rooms) {
        const outcome = await this.eraseWith(db, roomId, null, at, 'admin', force, null);
        if (outcome.status === 'erased') {
          result.rooms.push(roomId);
          result.messages += outcome.messages;
          if (outcome.openReports > 0) result.forced.push({ roomId, openReports: outcome.openReports });
        } else if (outcome.status === 'report_open' || outcome.status === 'active') {
          result.skipped.push({ roomId, reason: outcome.status });
        }
      }
      if (after) await after(db, result);
      return result;
    };
    return after ? this.database.transaction(eraseAll) : eraseAll(this.database);
  }

  private async erase(roomId: number, senderId: string | null, at: Date, by: ErasedBy, force: boolean, endedBefore: Date | null = null, after?: AfterErasure): Promise<ErasureOutcome> {
    if (!after) return this.eraseWith(this.database, roomId, senderId, at, by, force, endedBefore);
    return this.database.transaction(async (tx) => {
      const outcome = await this.eraseWith(tx, roomId, senderId, at, by, force, endedBefore);
      if (outcome.status === 'erased') await after(tx, outcome);
      return outcome;
    });
  }

  private async eraseWith(db: Queryable, roomId: number, senderId: string | null, at: Date, by: ErasedBy, force: boolean, endedBefore: Date | null): Promise<ErasureOutcome> {
    const [row] = await db.query<EraseRow>(ERASE_SQL, [roomId, senderId, at, by, force, endedBefore]);
    return blockOf(row, at, force, endedBefore) ?? { status: 'erased', messages: row!.erased, held: Number(row!.held), openReports: row!.open_reports };
  }
}
