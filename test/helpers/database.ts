import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, inject } from 'vitest';
import type { Database } from '../../src/storage/database.js';
import { openPgliteDatabase } from '../../src/storage/pglite-database.js';
import { openPostgresDatabase } from '../../src/storage/postgres-database.js';
import { testDatabaseUrl } from './services.js';

export type Engine = 'pglite' | 'postgres';

export const silentLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export function tempDir(prefix = 'chat-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * A fresh, migrated database of the given engine. PGlite gets its own directory; PostgreSQL gets its own
 * database on TEST_DATABASE_URL's server, so test files never see each other's rows.
 */
export async function openTestDatabase(
  engine: Engine,
  options: { dataDir?: string; databaseName?: string; serverUrl?: string; queryTimeoutMs?: number } = {},
): Promise<{ database: Database; url?: string; dataDir?: string; drop(): Promise<void> }> {
  if (engine === 'pglite') {
    const dir = options.dataDir ? { path: options.dataDir, remove() {} } : tempDir();
    // A fresh database is a copy of the run's migrated template (test/support/global-setup.ts): initdb
    // and every migration once per run, not per test (under full-suite load initdb alone takes a minute).
    seedPgliteDir(dir.path);
    const database = await openPgliteDatabase(dir.path);
    await database.migrate();
    return { database, dataDir: dir.path, drop: async () => { await database.close(); dir.remove(); } };
  }
  const serverUrl = options.serverUrl ?? testDatabaseUrl;
  if (!serverUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = options.databaseName ?? `chat_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  if (!options.databaseName) await onServer(serverUrl, `CREATE DATABASE "${name}"`);
  const url = withDatabase(serverUrl, name);
  const database = await openPostgresDatabase({ url, poolMax: 5, logger: silentLogger, queryTimeoutMs: options.queryTimeoutMs });
  await database.migrate();
  return {
    database,
    url,
    drop: async () => {
      await database.close();
      await onServer(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

async function onServer(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** The same server URL pointing at another database. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = '/' + name;
  return u.toString();
}

/**
 * Makes an empty PGlite data directory a copy of the run's migrated template, as a first start would leave
 * it after initdb and the migrations; a directory that holds a database already is left as it is.
 */
export function seedPgliteDir(path: string): void {
  if (path.startsWith('memory://') || existsSync(join(path, 'PG_VERSION'))) return;
  cpSync(inject('pgliteTemplate'), path, { recursive: true });
}

/**
 * A fresh, migrated database for one test file: opened before its tests, dropped after them. `get()`
 * inside a test gives it.
 */
export function databaseForFile(engine: Engine): { get(): Database } {
  let opened: Awaited<ReturnType<typeof openTestDatabase>> | undefined;
  beforeAll(async () => {
    opened = await openTestDatabase(engine);
  }, 120_000);
  afterAll(async () => {
    await opened?.drop();
  });
  return {
    get() {
      if (!opened) throw new Error('the database opens in beforeAll');
      return opened.database;
    },
  };
}
