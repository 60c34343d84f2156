/**
 * A throw-away PostgreSQL server of our own (initdb in a temp directory, its own port), so a test can
 * stop and restart a real PostgreSQL without touching the shared one.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from './database.js';
import { freePort } from './ports.js';

const run = promisify(execFile);

/** Directory of the PostgreSQL server binaries, if installed (Debian layout). */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const version = readdirSync(root).sort().at(-1);
  const dir = version && join(root, version, 'bin');
  return dir && existsSync(join(dir, 'pg_ctl')) ? dir : undefined;
}

export interface PrivatePostgres {
  url: string;
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** Stops every process of the server with SIGSTOP: connections stay open and nothing answers (a hung database). */
  freeze(): Promise<void>;
  /** Lets a frozen server go on (SIGCONT). */
  thaw(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql');
  const dir = tempDir('chat-pg-');
  chmodSync(dir.path, 0o777);
  const dataDir = join(dir.path, 'data');
  // PostgreSQL refuses to run as root; the Debian package's `postgres` user runs it.
  const asPostgres = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  const exec = (file: string, args: string[]) => run(asPostgres[0] ?? file, asPostgres.length ? [...asPostgres.slice(1), file, ...args] : args);
  const port = await freePort();
  await exec(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const options = `-p ${port} -k ${dir.path} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = async () => {
    await exec(join(bin, 'pg_ctl'), ['-D', dataDir, '-o', options, '-w', '-t', '30', '-l', join(dir.path, 'log'), 'start']);
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    await exec(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', mode, '-w', 'stop']);
  };
  await start();
  /** The postmaster (first line of postmaster.pid) and its children (backends, background workers). */
  const signalAll = async (signal: 'STOP' | 'CONT') => {
    const postmaster = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]!.trim();
    await run('pkill', [`-${signal}`, '-P', postmaster]).catch(() => undefined);
    await run('kill', [`-${signal}`, postmaster]);
  };
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    freeze: () => signalAll('STOP'),
    thaw: () => signalAll('CONT'),
    async destroy() {
      await signalAll('CONT').catch(() => undefined);
      await stop('immediate').catch(() => undefined);
      dir.remove();
    },
  };
}
