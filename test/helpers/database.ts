import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
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
 * schema inside TEST_DATABASE_URL's database (via `search_path`), so test files never see each other's rows.
 */
export async function openTestDatabase(engine: Engine, options: { dataDir?: string; schema?: string } = {}): Promise<{ database: Database; url?: string; dataDir?: string; drop(): Promise<void> }> {
  if (engine === 'pglite') {
    const dir = options.dataDir ? { path: options.dataDir, remove() {} } : tempDir();
    const database = await openPgliteDatabase(dir.path);
    await database.migrate();
    return { database, dataDir: dir.path, drop: async () => { await database.close(); dir.remove(); } };
  }
  if (!testDatabaseUrl) throw new Error('TEST_DATABASE_URL is not set');
  const schema = options.schema ?? `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  await admin.end();
  const url = withSearchPath(testDatabaseUrl, schema);
  const database = await openPostgresDatabase({ url, poolMax: 5, logger: silentLogger });
  await database.migrate();
  return {
    database,
    url,
    drop: async () => {
      await database.close();
      const c = new pg.Client({ connectionString: testDatabaseUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    },
  };
}

/** A connection URL whose sessions use `schema` (PostgreSQL `options=-c search_path=...`). */
export function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}
