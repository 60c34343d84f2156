/**
 * The SQL seam's contract, on both drivers: bigint columns (ids, counts) arrive as numbers, so the row types
 * in `storage/rows.ts` say `number` and no reader converts; a bigint beyond 2^53 is refused, never rounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/storage/database.js';
import { messageColumns, roomColumns, type MessageRow, type RoomRow } from '../../src/storage/rows.js';
import { openTestDatabase, type Engine } from '../helpers/database.js';
import { hasPostgres } from '../helpers/services.js';

const engines: Engine[] = ['pglite', ...(hasPostgres() ? (['postgres'] as const) : [])];

describe.each(engines)('Database contract on %s', (engine) => {
  let opened: Awaited<ReturnType<typeof openTestDatabase>>;
  let database: Database;
  beforeAll(async () => {
    opened = await openTestDatabase(engine);
    database = opened.database;
  });
  afterAll(async () => {
    await opened?.drop();
  });

  it('gives bigint values, counts and bigint arrays as numbers', async () => {
    const [row] = await database.query<{ n: unknown; c: unknown; a: unknown; big: unknown }>(
      'SELECT 42::bigint AS n, (SELECT count(*) FROM generate_series(1, 3)) AS c, ARRAY[1, 2, NULL]::bigint[] AS a, 9007199254740991::bigint AS big',
    );
    expect(row).toEqual({ n: 42, c: 3, a: [1, 2, null], big: Number.MAX_SAFE_INTEGER });
  });

  it('refuses a bigint beyond 2^53 instead of rounding it, and keeps working', async () => {
    await expect(database.query('SELECT 9007199254740993::bigint AS n')).rejects.toThrow(/safe integers/);
    expect(await database.query('SELECT 1::bigint AS n')).toEqual([{ n: 1 }]);
  });

  it('selects rooms and messages through the shared column lists with number ids', async () => {
    const [room] = await database.query<RoomRow>(
      `INSERT INTO chat_rooms (user1_id, user2_id, match_type, created_at) VALUES ('u1', 'u2', 'random', now()) RETURNING ${roomColumns()}`,
    );
    expect(typeof room!.id).toBe('number');
    await database.query(`INSERT INTO messages (room_id, sender_id, content, created_at, cid) VALUES ($1, 'u1', 'hi', now(), 'c1')`, [room!.id]);
    const [joined] = await database.query<RoomRow & MessageRow>(
      `SELECT ${roomColumns('r')}, ${messageColumns('m').replace(/m\.(\w+)/g, 'm.$1 AS m_$1')} FROM chat_rooms r JOIN messages m ON m.room_id = r.id WHERE r.id = $1`,
      [room!.id],
    );
    expect(joined).toMatchObject({ id: room!.id, user1_network: null, m_room_id: room!.id, m_content: 'hi', m_cid: 'c1', m_erased_at: null });
    expect(typeof (joined as unknown as { m_id: unknown }).m_id).toBe('number');
    const [message] = await database.query<MessageRow>(`SELECT ${messageColumns()} FROM messages WHERE room_id = $1`, [room!.id]);
    expect(message).toMatchObject({ room_id: room!.id, sender_id: 'u1', content: 'hi', cid: 'c1', erased_at: null, erased_by: null });
    expect(typeof message!.id).toBe('number');
  });

  it('runs a prepared statement again and again with new values, and reports its errors like any statement', async () => {
    const text = 'SELECT $1::bigint * 2 AS doubled, $2::text AS label';
    for (let n = 1; n <= 8; n++) {
      // Past the fifth run PostgreSQL may switch to a generic plan: the answers must not change.
      expect(await database.query(text, [n, `run ${n}`], { prepare: 'contract_doubled' })).toEqual([{ doubled: 2 * n, label: `run ${n}` }]);
    }
    await expect(database.query(text, ['not a number', 'x'], { prepare: 'contract_doubled' })).rejects.toThrow(/invalid input syntax/);
    expect(await database.query(text, [21, 'after'], { prepare: 'contract_doubled' })).toEqual([{ doubled: 42, label: 'after' }]);
    if (engine === 'postgres') {
      // The pool hands back the connection used last: it holds the statement under that name.
      const held = await database.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements WHERE name = $1', ['contract_doubled']);
      expect(held).toEqual([{ statement: text }]);
    }
  });

  it('keeps a prepared statement working across a table renamed away and back (plans are checked again)', async () => {
    await database.query('CREATE TABLE contract_prepared (v int)');
    await database.query('INSERT INTO contract_prepared VALUES (1), (2)');
    const count = () => database.query<{ n: number }>('SELECT count(*) AS n FROM contract_prepared WHERE v >= $1', [1], { prepare: 'contract_count' });
    expect(await count()).toEqual([{ n: 2 }]);
    await database.query('ALTER TABLE contract_prepared RENAME TO contract_prepared_away');
    await expect(count()).rejects.toThrow(/does not exist/);
    await database.query('ALTER TABLE contract_prepared_away RENAME TO contract_prepared');
    expect(await count()).toEqual([{ n: 2 }]);
    await database.query('DROP TABLE contract_prepared');
  });

  describe('transaction', () => {
    beforeAll(async () => {
      await database.query('CREATE TABLE contract_tx (k text, v int)');
    });
    const values = async (k: string) => (await database.query<{ v: number }>('SELECT v FROM contract_tx WHERE k = $1 ORDER BY v', [k])).map((r) => r.v);

    it('commits what its work did once the work resolves, and gives the work’s result', async () => {
      const result = await database.transaction(async (tx) => {
        await tx.query('INSERT INTO contract_tx VALUES ($1, 1), ($1, 2)', ['commit']);
        return (await tx.query<{ n: number }>('SELECT count(*) AS n FROM contract_tx WHERE k = $1', ['commit']))[0]?.n;
      });
      expect(result).toBe(2);
      expect(await values('commit')).toEqual([1, 2]);
    });

    it('rolls everything back when the work throws, passes the error on, and the next one works', async () => {
      await expect(
        database.transaction(async (tx) => {
          await tx.query('INSERT INTO contract_tx VALUES ($1, 1)', ['rollback']);
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      await expect(
        database.transaction(async (tx) => {
          await tx.query('INSERT INTO contract_tx VALUES ($1, 2)', ['rollback']);
          await tx.query('SELECT * FROM no_such_table');
        }),
      ).rejects.toThrow(/no_such_table/);
      expect(await values('rollback')).toEqual([]);
      expect(await database.transaction((tx) => tx.query<{ one: number }>('SELECT 1 AS one'))).toEqual([{ one: 1 }]);
    });

    it('keeps what it has not committed from everyone else', async () => {
      let inside!: () => void;
      const written = new Promise<void>((resolve) => (inside = resolve));
      let finish!: () => void;
      const finishing = new Promise<void>((resolve) => (finish = resolve));
      const running = database.transaction(async (tx) => {
        await tx.query('INSERT INTO contract_tx VALUES ($1, 7)', ['isolated']);
        inside();
        await finishing;
      });
      await written;
      // PGlite has one connection: a statement outside waits for the transaction to end.
      const outside = values('isolated');
      if (engine === 'postgres') expect(await outside).toEqual([]);
      finish();
      await running;
      if (engine === 'pglite') expect(await outside).toEqual([7]);
      expect(await values('isolated')).toEqual([7]);
    });

    it('serialises two transactions that take the same advisory lock: the second sees what the first committed', async () => {
      const key = 424_242;
      let reachedFirst!: () => void;
      const firstHasLock = new Promise<void>((resolve) => (reachedFirst = resolve));
      let releaseFirst!: () => void;
      const firstMayEnd = new Promise<void>((resolve) => (releaseFirst = resolve));
      const first = database.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [key]);
        reachedFirst();
        await firstMayEnd;
        await tx.query('INSERT INTO contract_tx VALUES ($1, 1)', ['locked']);
      });
      await firstHasLock;
      const second = database.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [key]);
        const seen = await tx.query<{ n: number }>('SELECT count(*) AS n FROM contract_tx WHERE k = $1', ['locked']);
        await tx.query('INSERT INTO contract_tx VALUES ($1, 2)', ['locked']);
        return seen[0]?.n;
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      releaseFirst();
      await first;
      expect(await second).toBe(1);
      expect(await values('locked')).toEqual([1, 2]);
    });
  });

  it('a lock held shared refuses exclusive work everywhere until it is let go', async () => {
    const key = 515_151;
    const release = await database.holdShared(key);
    if (engine === 'postgres') expect(await database.exclusive(key, async () => 'ran')).toBeUndefined();
    await release();
    expect(await database.exclusive(key, async () => 'ran')).toBe('ran');
  });
});
