/**
 * The first start of an embedded database: initdb in a short-lived child process.
 *
 * On an empty directory PGlite runs initdb inside a second, temporary engine in the same process — a
 * WebAssembly memory of 128 MB and more, a 128 MB copy of it that initdb keeps, and a tarball of the new
 * cluster. Once it is closed all of that is garbage only a major GC frees, and an idle server never runs
 * one: the server kept ~500 MB more after its first start than after a restart. In a child process the
 * operating system takes every byte back when it exits; the server then opens the directory exactly as
 * on a restart.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The new cluster is built here, inside the data directory (a rename never crosses file systems). */
const SCRATCH_PREFIX = '.pglite-init-';
/** initdb takes 2–3 s on a quiet machine; this only stops a child that hangs. */
const INITDB_TIMEOUT_MS = 180_000;
/** fsyncs in flight while flushing the new cluster (~1,000 files): together they take 0.2 s, one by one 2 s. */
const FSYNC_CONCURRENCY = 16;

/** Runs with `node -e` and PGlite's CommonJS build: needs neither tsx nor our sources. */
const CHILD_SCRIPT = `
const [pglitePath, dataDir] = process.argv.slice(1);
const { PGlite } = require(pglitePath);
PGlite.create(dataDir)
  .then((db) => db.close())
  .then(() => process.exit(0), (error) => { console.error(error && error.stack ? error.stack : String(error)); process.exit(1); });
`;

/** True once the directory holds a PostgreSQL cluster (initdb writes PG_VERSION; we move it in last). */
function hasCluster(dataDir: string): boolean {
  return existsSync(join(dataDir, 'PG_VERSION'));
}

/**
 * Creates a PostgreSQL cluster in `dataDir` (which must exist) unless it has one. The cluster is built
 * in a scratch directory, flushed to disk, and moved in with PG_VERSION last: a start interrupted at
 * any point leaves no half-made cluster that would be taken for a real one. `creating` is called first
 * when there is one to create (the start then takes seconds more: the operator is told why it is quiet).
 */
export async function initPgliteCluster(dataDir: string, creating: () => void = () => undefined): Promise<void> {
  if (hasCluster(dataDir)) return;
  creating();
  // Scratch directories of interrupted first starts.
  for (const name of readdirSync(dataDir)) if (name.startsWith(SCRATCH_PREFIX)) rmSync(join(dataDir, name), { recursive: true, force: true });
  const scratch = join(dataDir, `${SCRATCH_PREFIX}${process.pid}`);
  try {
    await runInitdb(scratch);
    await fsyncTree(scratch);
    const names = readdirSync(scratch).filter((name) => name !== 'PG_VERSION');
    for (const name of [...names, 'PG_VERSION']) {
      // Without PG_VERSION there is no cluster here: an entry of the same name is a piece of an earlier,
      // interrupted first start.
      rmSync(join(dataDir, name), { recursive: true, force: true });
      renameSync(join(scratch, name), join(dataDir, name));
    }
    await fsyncPath(dataDir, true);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function runInitdb(dataDir: string): Promise<void> {
  const pglitePath = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const child = spawn(process.execPath, ['-e', CHILD_SCRIPT, pglitePath, dataDir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const timer = setTimeout(() => child.kill('SIGKILL'), INITDB_TIMEOUT_MS);
  try {
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    if (code !== 0) throw new Error(`PGlite initdb in a child process failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`);
  } finally {
    clearTimeout(timer);
  }
}

/** fsync(2) on every file and directory below `root` (files first), several at a time. */
async function fsyncTree(root: string): Promise<void> {
  const files: string[] = [];
  const dirs: string[] = [];
  const walk = (path: string) => {
    if (!statSync(path).isDirectory()) return void files.push(path);
    for (const name of readdirSync(path)) walk(join(path, name));
    dirs.push(path);
  };
  walk(root);
  for (const [paths, isDirectory] of [[files, false], [dirs, true]] as const) {
    let next = 0;
    const worker = async () => {
      while (next < paths.length) await fsyncPath(paths[next++]!, isDirectory);
    };
    await Promise.all(Array.from({ length: FSYNC_CONCURRENCY }, worker));
  }
}

/** Error codes of platforms that cannot open or flush a directory; PostgreSQL ignores them there too. */
const DIRECTORY_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'EBADF']);

async function fsyncPath(path: string, isDirectory: boolean): Promise<void> {
  try {
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (!(isDirectory && DIRECTORY_SYNC_UNSUPPORTED.has((error as NodeJS.ErrnoException).code ?? ''))) throw error;
  }
}
