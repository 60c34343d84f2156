/**
 * A database migrated by a newer version is not served by an older one (src/storage/schema-version.ts):
 * refused at start on either engine, and on PostgreSQL an instance already serving stops when a newer
 * version's migration appears (the first instance of a rolling upgrade ran it). The "newer version" is a
 * row drizzle would have written for a migration this build does not carry.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { openConfiguredDatabase } from '../../src/storage/open-database.js';
import { migrationsFolder, type Database } from '../../src/storage/database.js';
import { appliedSchemaVersion, assertSchemaKnown, knownSchemaVersion, SCHEMA_TOO_NEW_EXIT_CODE, SchemaTooNew, watchSchema } from '../../src/storage/schema-version.js';
import { openTestDatabase, silentLogger, type Engine } from '../helpers/database.js';
import { startServerProcess, type ServerProcess } from '../helpers/process.js';
import { CLUSTER_TEST_ENV } from '../helpers/cluster.js';
import { hasPostgres, hasRedis, testRedisUrl } from '../helpers/services.js';

const engines: Engine[] = ['pglite', ...(hasPostgres() ? (['postgres'] as const) : [])];

/** What a newer version's migration leaves behind: a row dated after every migration this build has. */
async function migrateAsNewerVersion(db: Pick<Database, 'query'>, laterByMs = 60_000): Promise<number> {
  const when = knownSchemaVersion().when + laterByMs;
  await db.query('INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ($1, $2)', ['from-a-newer-version', when]);
  return when;
}

describe('the version of the schema this build knows', () => {
  it('is the journal’s newest migration', () => {
    const journal = JSON.parse(readFileSync(join(migrationsFolder(), 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string; when: number }[] };
    const last = journal.entries.at(-1)!;
    expect(knownSchemaVersion()).toEqual({ tag: last.tag, when: last.when });
    expect(last.tag).toMatch(/^00\d\d_/);
  });
});

describe.each(engines)('a database migrated further than this build, on %s', (engine) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A migrated database of its own, dropped after the test (`drop` closes it first; closing twice is safe). */
  async function fresh() {
    const opened = await openTestDatabase(engine);
    cleanups.push(opened.drop);
    return opened;
  }

  it('is at this build’s version once migrated, and is refused once a newer migration is in it', async () => {
    const { database } = await fresh();
    const known = knownSchemaVersion();
    expect(await appliedSchemaVersion(database)).toBe(known.when);
    await expect(assertSchemaKnown(database, known)).resolves.toBeUndefined();

    const when = await migrateAsNewerVersion(database);
    const refused = await assertSchemaKnown(database, known).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SchemaTooNew);
    expect((refused as SchemaTooNew).applied).toBe(when);
    expect((refused as Error).message).toContain(known.tag);
    expect((refused as Error).message).toContain('newer version');
  });

  it('is not opened at start: the start fails with the reason, and the database is closed again', async () => {
    const opened = await fresh();
    await migrateAsNewerVersion(opened.database);
    await opened.database.close();
    const config = { databaseUrl: opened.url, dataDir: opened.dataDir ?? '', pgPoolMax: 2, dbQueryTimeoutMs: 5_000 };
    await expect(openConfiguredDatabase(config, silentLogger)).rejects.toThrow(SchemaTooNew);
    // Closed on the way out: an embedded database opens again at once (its DATA_DIR lock was released).
    const again = await openConfiguredDatabase(config, silentLogger).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(SchemaTooNew);
  });

  it('is noticed by the watch of a serving instance once, and only after it appears', async () => {
    const { database } = await fresh();
    const found: SchemaTooNew[] = [];
    const watch = watchSchema({ db: database, known: knownSchemaVersion(), intervalMs: 50, onNewer: (error) => found.push(error) });
    cleanups.push(async () => watch.stop());
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(found).toEqual([]);
    await migrateAsNewerVersion(database);
    await expect.poll(() => found.length, { timeout: 5_000 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(found).toHaveLength(1);
  });
});

describe('a failed check is not a verdict', () => {
  it('an unreachable database is reported as a failed check, and the watch goes on', async () => {
    let calls = 0;
    const failures: unknown[] = [];
    const found: SchemaTooNew[] = [];
    const known = knownSchemaVersion();
    // Fails twice, works (the schema known) twice, then finds a newer one.
    const flaky = {
      async query<T>(): Promise<T[]> {
        calls += 1;
        if (calls <= 2) throw new Error('connection refused');
        return [{ newest: String(calls <= 4 ? known.when : known.when + 1) }] as T[];
      },
    };
    let oks = 0;
    const watch = watchSchema({ db: flaky, known, intervalMs: 30, onNewer: (error) => found.push(error), onCheckFailed: (error) => failures.push(error), onCheckOk: () => oks++ });
    try {
      await expect.poll(() => found.length, { timeout: 5_000 }).toBe(1);
      expect(failures).toHaveLength(2);
      expect(oks).toBe(2);
    } finally {
      watch.stop();
    }
  });
});

describe.runIf(hasPostgres())('a serving instance on PostgreSQL when a newer version migrates the database', () => {
  let server: ServerProcess | undefined;
  const drops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await server?.stop('SIGKILL');
    for (const drop of drops.splice(0)) await drop();
  });

  it('stops gracefully with 3, saying why; started again, it refuses with one line', { timeout: 120_000 }, async () => {
    const opened = await openTestDatabase('postgres');
    drops.push(opened.drop);
    const env = { DATABASE_URL: opened.url!, ADMIN_PASSWORD: 'schema-test-admin-password', SCHEMA_CHECK_INTERVAL_MS: '200' };
    server = await startServerProcess(env);
    expect((await fetch(server.url)).status).toBe(200);
    // Still serving after several checks of an unchanged database.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(server.child.exitCode).toBeNull();

    const exited = once(server.child, 'exit') as Promise<[number | null]>;
    await migrateAsNewerVersion(opened.database);
    const late = new Promise<'still serving'>((resolve) => setTimeout(() => resolve('still serving'), 30_000).unref());
    const code = await Promise.race([exited.then(([exitCode]) => exitCode), late]);
    expect(code).toBe(SCHEMA_TOO_NEW_EXIT_CODE);
    expect(server.output()).toContain('a newer version migrated the database');
    expect(server.output()).toContain('shutting down');

    const refused = await startServerProcess(env, { readyTimeoutMs: 60_000 }).then(
      (unexpected) => {
        server = unexpected;
        return 'started';
      },
      (error: Error) => error.message,
    );
    expect(refused).toMatch(/server exited with 3/);
    expect(refused).toContain('Failed to start: the database was migrated by a newer version of this service');
  });
});

describe.runIf(hasPostgres() && hasRedis() && process.platform === 'linux')('WEB_CONCURRENCY=2 when a newer version migrates the database', () => {
  let server: ServerProcess | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await server?.stop('SIGKILL');
    await drop?.();
  });

  it('the worker that notices is not restarted: every worker stops and the primary exits with 3', { timeout: 150_000 }, async () => {
    const opened = await openTestDatabase('postgres');
    drop = opened.drop;
    const prefix = `schema-test:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;
    server = await startServerProcess(
      { ...CLUSTER_TEST_ENV, DATABASE_URL: opened.url!, REDIS_URL: testRedisUrl!, REDIS_PREFIX: prefix, WEB_CONCURRENCY: '2', SCHEMA_CHECK_INTERVAL_MS: '200' },
      { readyTimeoutMs: 90_000 },
    );
    const exited = once(server.child, 'exit') as Promise<[number | null]>;
    await migrateAsNewerVersion(opened.database);
    const late = new Promise<'still serving'>((resolve) => setTimeout(() => resolve('still serving'), 45_000).unref());
    expect(await Promise.race([exited.then(([exitCode]) => exitCode), late])).toBe(SCHEMA_TOO_NEW_EXIT_CODE);
    expect(server.output()).toContain('stopping every worker and exiting with 3');
    // Not restarted in between (a restarted worker would only fail at start on the same database).
    expect(server.output()).not.toContain('restarting it');
  });
});
