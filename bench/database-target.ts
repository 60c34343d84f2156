/**
 * Where the server under test stores messages: a fresh PGlite directory, a fresh PostgreSQL database
 * created on the given server (dropped afterwards), or nothing (`CHAT_STORAGE=memory`, the cost-of-durability
 * baseline). Each target gives the server's environment and, after the server stopped, a way to read back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import type { Database } from '../src/storage/database.js';
import { openPgliteDatabase } from '../src/storage/pglite-database.js';
import { openPostgresDatabase } from '../src/storage/postgres-database.js';

export type DbKind = 'pglite' | 'postgres' | 'none';
export const DB_KINDS: readonly DbKind[] = ['pglite', 'postgres', 'none'];

export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface DbTarget {
  readonly kind: DbKind;
  /** Environment for the server process. */
  readonly env: Record<string, string>;
  /** Opens the stored data for checking (after the server stopped); undefined for `none`. */
  open(): Promise<Database | undefined>;
  /** Removes the directory or drops the database. */
  cleanup(): Promise<void>;
  /** Engine version, for the machine description. */
  version(): Promise<string | undefined>;
  /** PostgreSQL backend processes serving this target's database (none for the embedded engines). */
  backendPids(): Promise<number[]>;
}

export async function createDbTarget(kind: DbKind, adminUrl: string, keep: boolean): Promise<DbTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), 'chat-bench-'));
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true });
  if (kind === 'pglite') {
    return {
      kind,
      env: { DATA_DIR: dataDir },
      open: () => openPgliteDatabase(dataDir),
      cleanup: async () => (keep ? console.log(`kept PGlite data in ${dataDir}`) : removeDir()),
      backendPids: async () => [],
      version: async () => {
        const { PGlite } = await import('@electric-sql/pglite');
        const db = await PGlite.create();
        try {
          return `PGlite (${(await db.query<{ v: string }>('SELECT version() AS v')).rows[0]?.v.split(' on ')[0]})`;
        } finally {
          await db.close();
        }
      },
    };
  }
  if (kind === 'none') {
    return { kind, env: { DATA_DIR: dataDir, CHAT_STORAGE: 'memory' }, open: async () => undefined, cleanup: async () => removeDir(), version: async () => 'in memory', backendPids: async () => [] };
  }
  const name = `chat_bench_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${process.pid}`;
  await onServer(adminUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    kind,
    env: { DATA_DIR: dataDir, DATABASE_URL: url.toString() },
    open: () => openPostgresDatabase({ url: url.toString(), poolMax: 2, logger: pino({ level: 'silent' }) }),
    cleanup: async () => {
      removeDir();
      if (keep) console.log(`kept database ${name}`);
      else await onServer(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
    backendPids: async () =>
      (await onServer(adminUrl, `SELECT pid FROM pg_stat_activity WHERE datname = '${name}'`)).map((row) => Number(row.pid)),
    version: async () => `PostgreSQL ${(await onServer(adminUrl, 'SHOW server_version'))[0]?.server_version ?? '?'}`,
  };
}

async function onServer(adminUrl: string, statement: string): Promise<Record<string, string>[]> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query(statement)).rows as Record<string, string>[];
  } finally {
    await client.end();
  }
}
