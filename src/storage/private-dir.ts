/**
 * The data directory is the service user's alone (mode 0700), as PostgreSQL keeps its own data directory.
 * The embedded engine writes its files through Emscripten, which creates them with mode 0666 whatever the
 * umask — the WAL with the messages' text among them: the directory is what keeps other local users out of
 * every conversation, and out of the generated secret key and admin password kept beside them.
 *
 * A directory the service does not own (a volume's mount point, a Kubernetes `fsGroup` volume) cannot be
 * changed by it: then nothing is changed and the start goes on — the caller warns (main.ts) — since refusing
 * would stop a deployment that worked, whose owner chose those modes.
 */
import { chmodSync, mkdirSync, statSync } from 'node:fs';

/**
 * Creates `dir` (and any missing parent) as 0700, or takes group and other access away from one there.
 * False when it stays open to others (not ours to change); a `dir` that cannot be created still throws.
 */
export function makePrivateDir(dir: string): boolean {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if ((statSync(dir).mode & 0o077) === 0) return true;
  try {
    chmodSync(dir, 0o700);
    return true;
  } catch {
    return false;
  }
}
