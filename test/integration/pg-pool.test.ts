/**
 * PG_POOL_MAX bounds the PostgreSQL connections of one process: the database main.ts opens from the
 * configuration (openConfiguredDatabase) never holds more, however many statements wait, as PostgreSQL
 * itself reports in pg_stat_activity.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import type { Database } from '../../src/storage/database.js';
import { openConfiguredDatabase } from '../../src/storage/open-database.js';
import { openTestDatabase, silentLogger } from '../helpers/database.js';
import { hasPostgres, testDatabaseUrl } from '../helpers/services.js';

const POOL_MAX = 3;
const STATEMENTS = 8;
const SLEEP_S = 0.2;
/** Marks this pool's connections, so the count leaves out the test helper's own pool and the observer. */
const APPLICATION_NAME = 'pg-pool-max-test';

describe.skipIf(!hasPostgres())('PG_POOL_MAX (postgres)', () => {
  let created: Awaited<ReturnType<typeof openTestDatabase>>;
  let database: Database | undefined;
  let observer: pg.Client;

  beforeAll(async () => {
    // A database of its own (created and migrated by the helper, through the helper's pool).
    created = await openTestDatabase('postgres');
    const url = new URL(created.url!);
    url.searchParams.set('application_name', APPLICATION_NAME);
    const config = loadConfig({ DATABASE_URL: url.toString(), PG_POOL_MAX: String(POOL_MAX) });
    database = await openConfiguredDatabase(config, silentLogger);
    observer = new pg.Client({ connectionString: testDatabaseUrl });
    await observer.connect();
  });
  afterAll(async () => {
    await observer?.end();
    await database?.close();
    await created?.drop();
  });

  async function poolConnections(): Promise<number> {
    const [row] = (
      await observer.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = $2', [
        new URL(created.url!).pathname.slice(1),
        APPLICATION_NAME,
      ])
    ).rows;
    return row!.n;
  }

  it('the pool opens at most PG_POOL_MAX connections; statements beyond them wait their turn', async () => {
    const started = performance.now();
    // All asked for at once: the pool decides synchronously how many connections to open for them.
    await Promise.all(Array.from({ length: STATEMENTS }, () => database!.query('SELECT pg_sleep($1)', [SLEEP_S])));
    const elapsedS = (performance.now() - started) / 1000;
    // Idle connections stay in the pool (for 30 s), so the count is the most it opened.
    expect(await poolConnections()).toBe(POOL_MAX);
    // 8 statements on 3 connections run in ceil(8 / 3) = 3 rounds, never all at once.
    expect(elapsedS).toBeGreaterThanOrEqual(Math.ceil(STATEMENTS / POOL_MAX) * SLEEP_S * 0.95);
  });
});
