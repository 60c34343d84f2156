/**
 * The data directory is the service user's alone (mode 0700), as PostgreSQL keeps its own data directory.
 * The embedded engine writes its files through Emscripten, which creates them with mode 0666 whatever the
 * umask — the WAL with the messages' text among them: the directory is what keeps other local users out of
 * every conversation, and out of the generated secret key and admin password kept beside them.
 */
import { chmodSync, mkdirSync, statSync } from 'node:fs';

/** Creates `dir` (and any missing parent) as 0700, or takes group and other access away from one there. */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if ((statSync(dir).mode & 0o077) === 0) return;
  try {
    chmodSync(dir, 0o700);
  } catch (err) {
    throw new Error(`DATA_DIR ${dir} can be read by other users and could not be made private (chmod 700): ${(err as Error).message}`);
  }
}
