/**
 * The SQL seam: one PostgreSQL dialect, two drivers (embedded PGlite, server PostgreSQL via `pg`),
 * one migrations folder. Repositories take a `Database` and never know which driver runs.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface QueryOptions {
  /**
   * A statement run many times a second (the append of a message batch): PostgreSQL parses and plans it
   * once per connection under this name instead of on every run — 30–40 % less of its CPU per small batch
   * (BENCHMARKS.md). One name, one text, always. PGlite runs it as any other statement.
   */
  prepare?: string;
}

/** What runs statements: the database, or one transaction of it. */
export interface Queryable {
  /**
   * Parameterised query (`$1`, `$2`, …); returns the rows, with `bigint` columns (ids, counts) as numbers on
   * both drivers (`int8.ts`). Drizzle's schema serves the migrations; queries are SQL, one dialect.
   */
  query<T>(text: string, params?: readonly unknown[], options?: QueryOptions): Promise<T[]>;
}

export interface Database extends Queryable {
  readonly engine: 'pglite' | 'postgres';
  /**
   * Runs `work` in one transaction, on one connection: committed once `work` resolves, rolled back if it
   * throws (the error is passed on). Statements inside go through `tx` only. Keep it short: it holds a
   * pooled connection (PostgreSQL) or the only one (PGlite) until it ends.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Applies pending migrations. Safe when several processes start at once. */
  migrate(): Promise<void>;
  /**
   * Runs `work` only if no other process (or caller) holds the lock `key` — a PostgreSQL advisory lock,
   * so exactly one instance of a cluster does it at a time. Undefined when the lock was taken.
   */
  exclusive<T>(key: number, work: () => Promise<T>): Promise<T | undefined>;
  /**
   * Holds the lock `key` shared (a connection of its own) until the returned function is called, or the
   * process dies: while any process holds it, `exclusive(key)` is refused everywhere. PGlite: one process
   * only, nothing to hold.
   */
  holdShared(key: number): Promise<() => Promise<void>>;
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
