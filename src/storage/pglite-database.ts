import { PGlite } from '@electric-sql/pglite';
import type { Logger } from 'pino';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { migrationsFolder, type Database, type Queryable } from './database.js';
import { INT8_OID, parseInt8 } from './int8.js';
import { lockDataDir } from './data-dir-lock.js';
import { DurableNodeFS } from './pglite-durable-fs.js';
import { initPgliteCluster } from './pglite-init.js';
import { makePrivateDir } from './private-dir.js';
import { schema } from './schema.js';

/**
 * PostgreSQL's page cache inside PGlite's WebAssembly memory. Emscripten zero-fills shared memory when it
 * is mapped, so all of it is resident from the start: initdb's 128 MB were almost half of the server's
 * RSS. The chat's working set is the newest pages of `messages` and of its indexes per active room; with
 * 1,000 rooms busy, 16 MB still serves 99.9% of page reads, and a miss is a read from the kernel's page
 * cache (no CPU difference from 128 MB measured). WAL buffers follow: 1/32 of it.
 */
const PGLITE_SHARED_BUFFERS = '16MB';

/**
 * PGlite's own start flags without `-F` (fsync off), plus durability and memory settings. `-c` on the
 * command line wins over the postgresql.conf initdb wrote, so they hold for old data directories too.
 */
function startParams(durable: boolean): string[] {
  const settings = [
    `fsync=${durable ? 'on' : 'off'}`,
    'synchronous_commit=on',
    'full_page_writes=on',
    // fdatasync() is a no-op in Emscripten; fsync() reaches DurableNodeFS.
    'wal_sync_method=fsync',
    `shared_buffers=${PGLITE_SHARED_BUFFERS}`,
  ];
  return [...PGlite.defaultStartParams.filter((flag) => flag !== '-F'), ...settings.flatMap((setting) => ['-c', setting])];
}

/** int8 (ids, counts) as `pg` gets it here too: a number, refused beyond 2^53 (`int8.ts`). Arrays use it per element. */
const INT8_AS_NUMBER = { [INT8_OID]: parseInt8 };

/**
 * Embedded PostgreSQL (PGlite, WebAssembly) persisted in a directory. One process only (the directory is
 * locked while open: `data-dir-lock.ts`); one connection,
 * so statements run one after another. A commit is flushed to the disk (fsync) before the statement
 * returns, as with a PostgreSQL server's defaults.
 * @param dataDir directory for the database files, or `memory://` for a throw-away database (no fsync:
 *   there is nothing to keep).
 * @param logger told when a first start creates the database (a few seconds, up to ~20 on a busy machine).
 */
export async function openPgliteDatabase(dataDir: string, logger?: Pick<Logger, 'info'>): Promise<Database> {
  const inMemory = dataDir.startsWith('memory://');
  let client: PGlite;
  let unlock = async (): Promise<void> => undefined;
  if (inMemory) {
    client = await PGlite.create(dataDir, { startParams: startParams(false), parsers: INT8_AS_NUMBER });
  } else {
    makePrivateDir(dataDir);
    // Before anything touches the files: a directory another process has open is left alone.
    unlock = await lockDataDir(dataDir);
    try {
      await initPgliteCluster(dataDir, () =>
        logger?.info({ dataDir }, 'first start: creating the embedded database in DATA_DIR (a few seconds, up to ~20 s on a busy machine)'),
      );
      client = await PGlite.create({ dataDir, fs: new DurableNodeFS(dataDir), startParams: startParams(true), parsers: INT8_AS_NUMBER });
    } catch (err) {
      await unlock();
      throw err;
    }
  }
  let closing: Promise<void> | undefined;
  const held = new Set<number>();

  return {
    engine: 'pglite',
    // `options.prepare` is for PostgreSQL's per-connection statement cache; PGlite has no use for it.
    async query<T>(text: string, params: readonly unknown[] = []) {
      const result = await client.query<T>(text, params as unknown[]);
      return result.rows;
    },
    async transaction<T>(work: (tx: Queryable) => Promise<T>) {
      // PGlite's own: the one connection is this transaction's until it ends (other statements wait).
      return client.transaction((inside) =>
        work({
          async query<R>(text: string, params: readonly unknown[] = []) {
            return (await inside.query<R>(text, params as unknown[])).rows;
          },
        }),
      );
    },
    async migrate() {
      await migrate(drizzle({ client, schema }), { migrationsFolder: migrationsFolder() });
    },
    async ping() {
      await client.query('SELECT 1');
    },
    async exclusive<T>(key: number, work: () => Promise<T>) {
      // One process only ever opens an embedded database: a lock in this process is enough.
      if (held.has(key)) return undefined;
      held.add(key);
      try {
        return await work();
      } finally {
        held.delete(key);
      }
    },
    async holdShared() {
      return async () => undefined;
    },
    close() {
      closing ??= (client.closed ? Promise.resolve() : client.close()).finally(unlock);
      return closing;
    },
  };
}
