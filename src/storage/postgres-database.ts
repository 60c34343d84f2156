import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { Logger } from 'pino';
import { migrationsFolder, type Database, type Queryable, type QueryOptions } from './database.js';
import { INT8_ARRAY_OID, INT8_OID, parseInt8, parseInt8Array } from './int8.js';
import { schema } from './schema.js';

const DEFAULT_QUERY_TIMEOUT_MS = 10_000;

/** Arbitrary constant naming our migration lock, so concurrent starts migrate one at a time. */
const MIGRATION_LOCK_ID = 7_305_114_233;

export interface PostgresOptions {
  url: string;
  /** Most pooled connections. */
  poolMax: number;
  /**
   * Longest a statement may take, in the server (`statement_timeout`) and as seen from here (a hung or
   * frozen server never answers): beyond it the caller gets an error (STORAGE_UNAVAILABLE). Default 10 s.
   */
  queryTimeoutMs?: number;
  logger: Logger;
}

/** pg's own parsers, except int8 (ids, counts): numbers, as PGlite gives them. */
const int8AsNumber: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID) return parseInt8;
    if (oid === INT8_ARRAY_OID) return parseInt8Array;
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** PostgreSQL through a bounded `pg` pool. */
export async function openPostgresDatabase(options: PostgresOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax,
    // Fail fast while the server is down instead of queueing forever; callers map this to STORAGE_UNAVAILABLE.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
    query_timeout: options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
    // TCP keepalive: a server that vanished without closing is noticed by the kernel, not after hours.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    types: int8AsNumber,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', (error) => options.logger.warn({ err: error }, 'postgres idle client error'));
  let closing: Promise<void> | undefined;

  return {
    engine: 'postgres',
    async query<T>(text: string, params: readonly unknown[] = [], options: QueryOptions = {}) {
      const values = params as unknown[];
      const result = options.prepare ? await pool.query({ name: options.prepare, text, values }) : await pool.query(text, values);
      return result.rows as T[];
    },
    async transaction<T>(work: (tx: Queryable) => Promise<T>) {
      const client = await pool.connect();
      // A connection whose state is unknown (BEGIN, COMMIT or ROLLBACK failed) is closed, not pooled again.
      let broken: Error | undefined;
      const run = async (text: string) => {
        await client.query(text).catch((err: unknown) => {
          broken = err instanceof Error ? err : new Error(String(err));
          throw err;
        });
      };
      try {
        await run('BEGIN');
        const tx: Queryable = {
          async query<R>(text: string, params: readonly unknown[] = []) {
            return (await client.query(text, params as unknown[])).rows as R[];
          },
        };
        let result: T;
        try {
          result = await work(tx);
        } catch (err) {
          await run('ROLLBACK').catch(() => undefined);
          throw err;
        }
        await run('COMMIT');
        return result;
      } finally {
        client.release(broken);
      }
    },
    async migrate() {
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
        try {
          await migrate(drizzle({ client, schema }), { migrationsFolder: migrationsFolder() });
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
        }
      } finally {
        client.release();
      }
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    async exclusive<T>(key: number, work: () => Promise<T>) {
      // The lock belongs to one session: a connection of its own, held while the work runs.
      const client = await pool.connect();
      try {
        const [row] = (await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [key])).rows;
        if (!row?.locked) return undefined;
        try {
          return await work();
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [key]);
        }
      } finally {
        client.release();
      }
    },
    async holdShared(key: number) {
      // A connection of its own, outside the pool: closing the pool does not wait for it.
      const client = new pg.Client({ connectionString: options.url, keepAlive: true, keepAliveInitialDelayMillis: 10_000, connectionTimeoutMillis: 5_000 });
      client.on('error', (err) => options.logger.warn({ err }, 'the connection holding the live-instance lock failed'));
      try {
        await client.connect();
        await client.query('SELECT pg_advisory_lock_shared($1)', [key]);
      } catch (err) {
        await client.end().catch(() => undefined);
        throw err;
      }
      let released: Promise<void> | undefined;
      return () => (released ??= client.end().catch(() => undefined));
    },
    close() {
      closing ??= pool.end();
      return closing;
    },
  };
}
