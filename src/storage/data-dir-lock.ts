/**
 * One process per embedded database directory. A second process that opens a directory a live server
 * uses (a second `npm start`, a supervisor starting the new process before the old one has stopped) runs
 * its own PostgreSQL over the same files; the live server goes on, and its next crash leaves a directory
 * that no longer opens (found by review: reproduced with `kill -9`). PGlite's own `postmaster.pid` guards
 * nothing.
 *
 * The lock is a listening Unix socket in Linux's abstract namespace, named after the directory's real
 * path: a second listen on the name fails at once, and the kernel drops it with its process — a crash or
 * `kill -9` leaves nothing stale behind, and no pid can be mistaken for another process's. (The abstract
 * namespace belongs to a network namespace: two containers sharing a volume do not see each other's lock.
 * Other systems have no abstract namespace: there, nothing is locked.)
 */
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { createServer } from 'node:net';

export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
}

/** Takes the directory's lock; resolves with its release. Throws `DataDirInUseError` if another holds it. */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  if (process.platform !== 'linux') return async () => undefined;
  const name = `\0anonymous-chat-data-dir:${createHash('sha256').update(realpathSync(dataDir)).digest('hex').slice(0, 40)}`;
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new DataDirInUseError(`DATA_DIR ${dataDir} is in use by another process: the embedded database serves one process only (for several, use PostgreSQL: DATABASE_URL)`)
          : err,
      );
    });
    server.listen(name, () => resolve());
  });
  // Held for the process's life without keeping it alive.
  server.unref();
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
