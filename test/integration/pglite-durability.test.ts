/**
 * The embedded default is durable and lean: a commit reaches the disk (fsync) before the statement
 * returns, PostgreSQL runs with small buffers, and the first start leaves no second engine behind.
 */
import fs, { existsSync, mkdirSync, readdirSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Database } from '../../src/storage/database.js';
import { openPgliteDatabase } from '../../src/storage/pglite-database.js';
import { seedPgliteDir, tempDir } from '../helpers/database.js';

const dirs: { remove(): void }[] = [];
const open: Database[] = [];

function freshDir(): string {
  const dir = tempDir('chat-pglite-');
  dirs.push(dir);
  return dir.path;
}

/** A directory holding a copy of the run's migrated template: for tests not about the first start. */
function seededDir(): string {
  const path = freshDir();
  seedPgliteDir(path);
  return path;
}

async function openDb(dataDir: string): Promise<Database> {
  const database = await openPgliteDatabase(dataDir);
  open.push(database);
  return database;
}

async function settings(database: Database): Promise<Record<string, string>> {
  const names = ['fsync', 'synchronous_commit', 'wal_sync_method', 'full_page_writes', 'shared_buffers'];
  const rows = await database.query<{ name: string; value: string }>(
    'SELECT name, current_setting(name) AS value FROM unnest($1::text[]) AS name',
    [names],
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.value]));
}

afterEach(async () => {
  vi.restoreAllMocks();
  for (const database of open.splice(0)) await database.close();
  for (const dir of dirs.splice(0)) dir.remove();
});

// A first start runs initdb in a child process: seconds on a quiet machine, far more on a loaded one.
describe('embedded PGlite', { timeout: 120_000 }, () => {
  it('runs with fsync and synchronous commit on and small shared buffers, on a fresh and on a reopened data directory', async () => {
    const dataDir = freshDir();
    const expected = { fsync: 'on', synchronous_commit: 'on', wal_sync_method: 'fsync', full_page_writes: 'on', shared_buffers: '16MB' };
    const first = await openDb(dataDir);
    expect(await settings(first)).toEqual(expected);
    await first.close();

    const reopened = await openDb(dataDir);
    expect(await settings(reopened)).toEqual(expected);
  });

  it('flushes a commit to the write-ahead log on disk before the statement returns', async () => {
    const dataDir = seededDir();
    const database = await openDb(dataDir);
    await database.query('CREATE TABLE note (id bigserial PRIMARY KEY, body text NOT NULL)');

    const synced: string[] = [];
    const fsyncSync = fs.fsyncSync;
    vi.spyOn(fs, 'fsyncSync').mockImplementation((fd) => {
      // Which file: /proc names it on Linux; elsewhere only the count is checked.
      synced.push(process.platform === 'linux' ? readlinkSync(`/proc/self/fd/${fd}`) : String(fd));
      fsyncSync(fd);
    });
    await database.query("INSERT INTO note (body) VALUES ('kept through a power cut')");

    expect(synced.length).toBeGreaterThan(0);
    if (process.platform === 'linux') expect(synced.some((path) => path.startsWith(join(realpathSync(dataDir), 'pg_wal') + '/'))).toBe(true);
  });

  it('keeps committed rows across a close and a reopen', async () => {
    const dataDir = seededDir();
    const first = await openDb(dataDir);
    await first.query('CREATE TABLE note (body text NOT NULL)');
    await first.query("INSERT INTO note VALUES ('一'), ('two')");
    await first.close();

    const reopened = await openDb(dataDir);
    expect((await reopened.query<{ body: string }>('SELECT body FROM note ORDER BY body')).map((row) => row.body)).toEqual(['two', '一']);
  });

  it('builds a new cluster outside this process: the first start creates one engine here, not a second for initdb', async () => {
    const memories: WebAssembly.MemoryDescriptor[] = [];
    const RealMemory = WebAssembly.Memory;
    vi.spyOn(WebAssembly, 'Memory').mockImplementation(function (descriptor: WebAssembly.MemoryDescriptor) {
      memories.push(descriptor);
      return new RealMemory(descriptor);
    } as unknown as (descriptor: WebAssembly.MemoryDescriptor) => WebAssembly.Memory);

    const dataDir = freshDir();
    const database = await openDb(dataDir);

    expect(memories).toHaveLength(1);
    expect(await settings(database)).toMatchObject({ fsync: 'on' });
    expect(readdirSync(dataDir).filter((name) => name.startsWith('.pglite-init-'))).toEqual([]);
  });

  it('recovers from a first start that was interrupted, and leaves other files in the directory alone', async () => {
    const dataDir = freshDir();
    // What a first start killed while moving the new cluster in leaves: a scratch directory and some
    // cluster entries, but no PG_VERSION.
    mkdirSync(join(dataDir, '.pglite-init-99999', 'base'), { recursive: true });
    mkdirSync(join(dataDir, 'base', '1'), { recursive: true });
    writeFileSync(join(dataDir, 'base', '1', 'garbage'), 'half-written');
    writeFileSync(join(dataDir, 'secret.key'), 'not the database\n');

    const database = await openDb(dataDir);
    await database.query('CREATE TABLE note (body text)');

    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(dataDir, 'base', '1', 'garbage'))).toBe(false);
    expect(fs.readFileSync(join(dataDir, 'secret.key'), 'utf8')).toBe('not the database\n');
    expect(readdirSync(dataDir).filter((name) => name.startsWith('.pglite-init-'))).toEqual([]);
  });
});
