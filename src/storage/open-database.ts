import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { Database } from './database.js';
import { openPgliteDatabase } from './pglite-database.js';
import { openPostgresDatabase } from './postgres-database.js';
import { assertSchemaKnown, knownSchemaVersion } from './schema-version.js';

/**
 * The database the configuration names, migrated: PostgreSQL at `DATABASE_URL` through a pool of at most
 * `PG_POOL_MAX` connections (statements limited to `DB_QUERY_TIMEOUT_MS`), or else the embedded PGlite in
 * `DATA_DIR`. What `main.ts` opens at start (tested in test/integration/pg-pool.test.ts). A database a newer
 * version has migrated further is refused (`SchemaTooNew`, src/storage/schema-version.ts).
 */
export async function openConfiguredDatabase(
  config: Pick<Config, 'databaseUrl' | 'pgPoolMax' | 'dbQueryTimeoutMs' | 'dataDir'>,
  logger: Logger,
): Promise<Database> {
  const database = config.databaseUrl
    ? await openPostgresDatabase({ url: config.databaseUrl, poolMax: config.pgPoolMax, queryTimeoutMs: config.dbQueryTimeoutMs, logger })
    : await openPgliteDatabase(config.dataDir, logger);
  try {
    await database.migrate();
    await assertSchemaKnown(database, knownSchemaVersion());
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
  return database;
}
