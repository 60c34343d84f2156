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

/** The lock's name in the abstract namespace (Linux). */
export function dataDirLockName(dataDir: string): string {
  return `\0anonymous-chat-data-dir:${createHash('sha256').update(realpathSync(dataDir)).digest('hex').slice(0, 40)}`;
}

/** Takes the directory's lock; resolves with its release. Throws `DataDirInUseError` if another holds it. */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  if (process.platform !== 'linux') return async () => undefined;
  const name = dataDirLockName(dataDir);
  // Anyone on the machine can connect to an abstract socket: each connection is closed at once, so none
  // can hold up the release (a server's close waits for its connections).
  const server = createServer((connection) => connection.destroy());
  const taken = await new Promise<boolean>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(new DataDirInUseError(`DATA_DIR ${dataDir} is in use by another process: the embedded database serves one process only (for several, use PostgreSQL: DATABASE_URL)`));
        return;
      }
      // A system that forbids such sockets (a sandbox): the start goes on as before, unlocked.
      process.emitWarning(`DATA_DIR ${dataDir} could not be locked (${err.code ?? err.message}): make sure no other process opens it`);
      resolve(false);
    });
    server.listen(name, () => resolve(true));
  });
  if (!taken) return async () => undefined;
  // Held for the process's life without keeping it alive.
  server.unref();
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
