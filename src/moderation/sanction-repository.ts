/**
 * Sanctions, blocks and the strikes ledger in SQL (both engines).
 */
import type { SanctionKind } from '../shared/protocol.js';
import type { Database, Queryable } from '../storage/database.js';

/** The class of the two-key advisory locks that put one person's strikes in a row (the second key: the identity's hash). */
const STRIKE_LOCK_CLASS = 71_504;

export interface NewStrike {
  userId: string;
  source: 'report' | 'policy';
  reportId: number | null;
  /** The message the content policy struck (a stored one); null for a refused message or a report's strike. */
  messageId: number | null;
  at: Date;
  /** Strikes from this instant on are counted. */
  countSince: Date;
}

/**
 * Whether the conduct a new strike is for already counts, among the person's strikes that still count
 * (from $2, through the index on user and time; one that no longer counts does not stand for this one).
 * A strike's messages (`mine`) are the stored message the policy struck ($5), or, upholding a report, the
 * messages of the person's ($1) that the report names (one's own lines a reporter ticked are not the
 * reported person's conduct). A policy strike stands for the message it names; an upheld report's strike
 * for every message its report names.
 * - With messages: counted when each of them is in a counting strike. So a person's report naming only
 *   messages the policy struck, a second report of messages an upheld one named, or a policy strike of a
 *   message an upheld report named, counts no new strike; one naming any other message counts — also the
 *   content policy's own report holding a message it flagged but did not strike (spam, a link).
 * - Without (the conduct as a whole; a refused message, never stored): counted when the other source struck
 *   for the same report ($3) — the policy's strikes for the refused messages of its report, and an admin
 *   upholding that report.
 * Run after the person's lock in a READ COMMITTED transaction (the engines' default), so it sees the
 * strikes of whoever held the lock before. A policy strike usually comes before any report of its message
 * can be decided; the rule holds in either order.
 */
const ALREADY_COUNTED = `
  WITH counting AS (
    SELECT s.source, s.report_id, s.message_id, CASE WHEN s.source = 'report' THEN r.message_ids END AS report_messages
      FROM strikes s LEFT JOIN reports r ON r.id = s.report_id
     WHERE s.user_id = $1 AND s.created_at >= $2
  ), mine AS (
    SELECT $5::bigint AS id WHERE $5::bigint IS NOT NULL
    UNION ALL
    SELECT m.id FROM reports r JOIN messages m ON m.id = ANY (r.message_ids) AND m.sender_id = $1
     WHERE $5::bigint IS NULL AND $4 = 'report' AND r.id = $3::bigint
  )
  SELECT CASE WHEN EXISTS (SELECT 1 FROM mine)
              THEN NOT EXISTS (SELECT 1 FROM mine WHERE NOT EXISTS (
                     SELECT 1 FROM counting c WHERE c.message_id = mine.id OR mine.id = ANY (c.report_messages)))
              ELSE EXISTS (SELECT 1 FROM counting WHERE report_id = $3::bigint AND source <> $4)
         END AS counted`;

export interface Sanction {
  id: number;
  /** The identity it applies to, if any. */
  userId: string | null;
  /** The client network (HMAC) it applies to, if any. */
  networkHash: string | null;
  kind: SanctionKind;
  reason: string;
  startsAt: Date;
  /** Null: for good. */
  endsAt: Date | null;
  /** `admin` or `automatic`. */
  createdBy: string;
  reportId: number | null;
  liftedAt: Date | null;
  liftedBy: string | null;
}

export type NewSanction = Omit<Sanction, 'id' | 'liftedAt' | 'liftedBy'>;

/**
 * Whether a sanction is in force at `now`. Every sanction starts when it is issued, so its start is not
 * compared: an instance whose clock is a little behind the issuer's would take a sanction it has just been
 * told of for one not started, and announce it only at its next reload, 30 s later (found by review).
 */
export function isActive(sanction: Sanction, now: Date): boolean {
  return sanction.liftedAt === null && (sanction.endsAt === null || sanction.endsAt > now);
}

interface SanctionRow {
  id: number;
  user_id: string | null;
  network_hash: string | null;
  kind: SanctionKind;
  reason: string;
  starts_at: Date;
  ends_at: Date | null;
  created_by: string;
  report_id: number | null;
  lifted_at: Date | null;
  lifted_by: string | null;
}

const SANCTION_COLUMNS = 'id, user_id, network_hash, kind, reason, starts_at, ends_at, created_by, report_id, lifted_at, lifted_by';

function toSanction(row: SanctionRow): Sanction {
  return {
    id: row.id,
    userId: row.user_id,
    networkHash: row.network_hash,
    kind: row.kind,
    reason: row.reason,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    createdBy: row.created_by,
    reportId: row.report_id,
    liftedAt: row.lifted_at,
    liftedBy: row.lifted_by,
  };
}

async function insertSanction(db: Queryable, sanction: NewSanction): Promise<Sanction> {
  const rows = await db.query<SanctionRow>(
    `INSERT INTO sanctions (user_id, network_hash, kind, reason, starts_at, ends_at, created_by, report_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${SANCTION_COLUMNS}`,
    [sanction.userId, sanction.networkHash, sanction.kind, sanction.reason, sanction.startsAt, sanction.endsAt, sanction.createdBy, sanction.reportId],
  );
  return toSanction(rows[0]!);
}

export class SanctionRepository {
  constructor(private readonly database: Database) {}

  /** Stores a sanction — through `db` when it must commit with something else (a transaction of it). */
  insert(sanction: NewSanction, db: Queryable = this.database): Promise<Sanction> {
    return insertSanction(db, sanction);
  }

  /**
   * Records a strike and, in the same transaction, the sanction `decide` asks for given the strikes counted
   * and the person's sanctions (by identity) in force. One person's strikes go one at a time on every
   * instance that shares the database (a lock per identity until the transaction ends), so each decides
   * on what the one before it issued: two strikes at once never both issue the same sanction. `record`
   * runs in the same transaction when a sanction is issued (its audit row).
   *
   * One conduct counts once (`ALREADY_COUNTED`): a strike for conduct that a strike still counting stands
   * for is not recorded (`counted` false), so a report decided after its strikes expired counts anew.
   * Checked under the same lock, so two arriving at once count once.
   */
  async strike(
    strike: NewStrike,
    decide: (count: number, inForce: readonly Sanction[]) => NewSanction | undefined,
    record?: (tx: Queryable, count: number, issued: Sanction) => Promise<void>,
  ): Promise<{ counted: boolean; count: number; issued: Sanction | undefined }> {
    return this.database.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [STRIKE_LOCK_CLASS, strike.userId]);
      if (strike.reportId !== null || strike.messageId !== null) {
        const [row] = await tx.query<{ counted: boolean }>(ALREADY_COUNTED, [strike.userId, strike.countSince, strike.reportId, strike.source, strike.messageId]);
        if (row?.counted) return { counted: false, count: 0, issued: undefined };
      }
      await tx.query('INSERT INTO strikes (user_id, source, report_id, message_id, created_at) VALUES ($1, $2, $3, $4, $5)', [
        strike.userId,
        strike.source,
        strike.reportId,
        strike.messageId,
        strike.at,
      ]);
      const counted = await tx.query<{ n: number }>('SELECT count(*) AS n FROM strikes WHERE user_id = $1 AND created_at >= $2', [strike.userId, strike.countSince]);
      const count = counted[0]?.n ?? 0;
      // Not lifted and not over — whatever its start: one issued by a strike that got the lock first may
      // start a moment after this strike's clock (another instance's clock, or its own later reading).
      const inForce = await tx.query<SanctionRow>(
        `SELECT ${SANCTION_COLUMNS} FROM sanctions
          WHERE user_id = $1 AND lifted_at IS NULL AND (ends_at IS NULL OR ends_at > $2) ORDER BY id`,
        [strike.userId, strike.at],
      );
      const due = decide(count, inForce.map(toSanction));
      const issued = due && (await insertSanction(tx, due));
      if (issued) await record?.(tx, count, issued);
      return { counted: true, count, issued };
    });
  }

  async get(id: number): Promise<Sanction | undefined> {
    const rows = await this.database.query<SanctionRow>(`SELECT ${SANCTION_COLUMNS} FROM sanctions WHERE id = $1`, [id]);
    return rows[0] && toSanction(rows[0]);
  }

  /** Lifts a sanction in force. Undefined if it was lifted already (or does not exist). */
  async lift(id: number, by: string, at: Date, db: Queryable = this.database): Promise<Sanction | undefined> {
    const rows = await db.query<SanctionRow>(
      `UPDATE sanctions SET lifted_at = $3, lifted_by = $2 WHERE id = $1 AND lifted_at IS NULL RETURNING ${SANCTION_COLUMNS}`,
      [id, by, at],
    );
    return rows[0] && toSanction(rows[0]);
  }

  /** Every sanction in force (not lifted, not expired), oldest first. */
  async active(now: Date): Promise<Sanction[]> {
    const rows = await this.database.query<SanctionRow>(
      `SELECT ${SANCTION_COLUMNS} FROM sanctions WHERE lifted_at IS NULL AND (ends_at IS NULL OR ends_at > $1) ORDER BY id`,
      [now],
    );
    return rows.map(toSanction);
  }

  /** A person's sanctions (by identity, or by one of the networks given), newest first. */
  async of(userId: string, networkHashes: readonly string[], limit: number): Promise<Sanction[]> {
    const rows = await this.database.query<SanctionRow>(
      `SELECT ${SANCTION_COLUMNS} FROM sanctions WHERE user_id = $1 OR network_hash = ANY($2::text[]) ORDER BY id DESC LIMIT $3`,
      [userId, networkHashes, limit],
    );
    return rows.map(toSanction);
  }

  /**
   * A page of sanctions, newest first, older than `beforeId` (keyset): with `activeAt`, only those in
   * force at that instant; without, every one ever issued.
   */
  async page(options: { activeAt?: Date | undefined; beforeId?: number | undefined; limit: number }): Promise<Sanction[]> {
    const params: unknown[] = [];
    const conditions: string[] = [];
    if (options.activeAt) {
      const at = `$${params.push(options.activeAt)}`;
      conditions.push(`lifted_at IS NULL AND (ends_at IS NULL OR ends_at > ${at})`);
    }
    if (options.beforeId !== undefined) conditions.push(`id < $${params.push(options.beforeId)}`);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = await this.database.query<SanctionRow>(`SELECT ${SANCTION_COLUMNS} FROM sanctions ${where} ORDER BY id DESC LIMIT $${params.push(options.limit)}`, params);
    return rows.map(toSanction);
  }

  /** Records that `blockerId` blocked `blockedId`. False if it was recorded already. */
  async addBlock(blockerId: string, blockedId: string, at: Date): Promise<boolean> {
    const rows = await this.database.query(
      'INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING blocker_id',
      [blockerId, blockedId, at],
    );
    return rows.length > 0;
  }

  async allBlocks(): Promise<{ blockerId: string; blockedId: string }[]> {
    const rows = await this.database.query<{ blocker_id: string; blocked_id: string }>('SELECT blocker_id, blocked_id FROM blocks');
    return rows.map((r) => ({ blockerId: r.blocker_id, blockedId: r.blocked_id }));
  }

  /** Bans in force right now (for the dashboard). */
  async activeBanCount(now: Date): Promise<number> {
    const rows = await this.database.query<{ n: number }>(
      "SELECT count(*) AS n FROM sanctions WHERE kind = 'banned' AND lifted_at IS NULL AND (ends_at IS NULL OR ends_at > $1)",
      [now],
    );
    return rows[0]?.n ?? 0;
  }
}
