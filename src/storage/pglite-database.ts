import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { migrationsFolder, type Database, type Db } from './database.js';
import { schema } from './schema.js';

/**
 * Embedded PostgreSQL (PGlite, WebAssembly) persisted in a directory. One process only; one connection,
 * so statements run one after another.
 * @param dataDir directory for the database files, or `memory://` for a throw-away database.
 */
export async function openPgliteDatabase(dataDir: string): Promise<Database> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir);
  const db = drizzle({ client, schema }) as unknown as Db;
  let closing: Promise<void> | undefined;

  return {
    engine: 'pglite',
    db,
    async query<T>(text: string, params: readonly unknown[] = []) {
      const result = await client.query<T>(text, params as unknown[]);
      return result.rows;
    },
    async migrate() {
      await migrate(db as never, { migrationsFolder: migrationsFolder() });
    },
    async ping() {
      await client.query('SELECT 1');
    },
    close() {
      closing ??= client.closed ? Promise.resolve() : client.close();
      return closing;
    },
  };
}
