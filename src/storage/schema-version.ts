/**
 * Whether the database is at a schema this build knows. Migrations only go forward, and each assumes the
 * code that comes with it (0009 added roles: code from before it lets any admin do anything). So a build
 * must not serve a database a newer build has migrated further:
 * - at start, `assertSchemaKnown` refuses (an older version started again after an upgrade, a rollback);
 * - while serving, `watchSchema` notices a newer version's migration (the first instance of a rolling
 *   upgrade ran it) and says so, so that the instance stops instead of serving with the wrong rules.
 * Versions are drizzle's: each migration's `when` from `migrations/meta/_journal.json`, recorded as
 * `created_at` in `drizzle.__drizzle_migrations` when applied. Tested in test/integration/schema-version.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrationsFolder, type Queryable } from './database.js';

/** The newest migration this build carries. */
export interface SchemaVersion {
  tag: string;
  when: number;
}

export function knownSchemaVersion(folder = migrationsFolder()): SchemaVersion {
  const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: SchemaVersion[] };
  const newest = journal.entries.reduce<SchemaVersion | undefined>((best, entry) => (best && best.when >= entry.when ? best : entry), undefined);
  if (!newest) throw new Error(`no migrations in ${folder}`);
  return { tag: newest.tag, when: newest.when };
}

/** The `when` of the newest migration applied to the database; undefined before any. */
export async function appliedSchemaVersion(db: Queryable): Promise<number | undefined> {
  const [row] = await db.query<{ newest: string | null }>('SELECT max(created_at)::text AS newest FROM drizzle.__drizzle_migrations');
  return row?.newest == null ? undefined : Number(row.newest);
}

/**
 * The exit code of a process that stops (or does not start) because a newer release migrated the database.
 * Its own code, so that a WEB_CONCURRENCY primary stops every worker instead of restarting this one (a
 * restarted worker would only find the same database).
 */
export const SCHEMA_TOO_NEW_EXIT_CODE = 3;

/** The database was migrated by a newer version of the service than this one. */
export class SchemaTooNew extends Error {
  constructor(readonly known: SchemaVersion, readonly applied: number) {
    super(
      `the database was migrated by a newer version of this service (its newest migration is from ${new Date(applied).toISOString()}; ` +
        `this version knows up to ${known.tag}, ${new Date(known.when).toISOString()}). Run the newer version; ` +
        'this one would serve with rules the schema no longer matches',
    );
    this.name = 'SchemaTooNew';
  }
}

/** Throws `SchemaTooNew` when the database holds a migration newer than `known`. */
export async function assertSchemaKnown(db: Queryable, known: SchemaVersion): Promise<void> {
  const applied = await appliedSchemaVersion(db);
  if (applied !== undefined && applied > known.when) throw new SchemaTooNew(known, applied);
}

export interface SchemaWatch {
  stop(): void;
}

/**
 * Checks every `intervalMs` and calls `onNewer` once, the first time the database is found newer. A
 * failed check (the database unreachable for a moment) is not a verdict: the next one tries again, and
 * the query paths report the outage themselves.
 */
export function watchSchema(options: {
  db: Queryable;
  known: SchemaVersion;
  intervalMs: number;
  onNewer: (error: SchemaTooNew) => void;
  onCheckFailed?: (error: unknown) => void;
  /** A check found the schema known (after failures: the check works again). */
  onCheckOk?: () => void;
}): SchemaWatch {
  let stopped = false;
  let running = false;
  const check = async () => {
    if (running || stopped) return;
    running = true;
    try {
      await assertSchemaKnown(options.db, options.known);
      if (!stopped) options.onCheckOk?.();
    } catch (error) {
      if (stopped) return;
      if (error instanceof SchemaTooNew) {
        stop();
        options.onNewer(error);
      } else options.onCheckFailed?.(error);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void check(), options.intervalMs);
  timer.unref();
  const stop = () => {
    stopped = true;
    clearInterval(timer);
  };
  return { stop };
}
