/**
 * The SQL seam: one PostgreSQL dialect, two drivers (embedded PGlite, server PostgreSQL via `pg`),
 * one migrations folder. Repositories take a `Database` and never know which driver runs.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { Schema } from './schema.js';

/** Typed query builder over either driver. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  readonly engine: 'pglite' | 'postgres';
  /** Drizzle query builder for typed queries. */
  readonly db: Db;
  /** Raw parameterised query (`$1`, `$2`, …) for hot paths; returns the rows. */
  query<T>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Applies pending migrations. Safe when several processes start at once. */
  migrate(): Promise<void>;
  /**
   * Runs `work` only if no other process (or caller) holds the lock `key` — a PostgreSQL advisory lock,
   * so exactly one instance of a cluster does it at a time. Undefined when the lock was taken.
   */
  exclusive<T>(key: number, work: () => Promise<T>): Promise<T | undefined>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** Closes connections. Safe to call twice. */
  close(): Promise<void>;
}

/** The `migrations/` folder at the project root, found from this file in `src/` or in `dist/`. */
export function migrationsFolder(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'migrations');
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('migrations folder not found above ' + fileURLToPath(import.meta.url));
}
