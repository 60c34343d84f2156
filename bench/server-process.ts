/**
 * The chat server as an operator starts it — `npm start`'s `node dist/server/main.js`, built first when the
 * sources changed — in a child process, on 127.0.0.1 and a free port, found from Fastify's "Server
 * listening at" log line. A TypeScript entry (`bench/bare-relay.ts`) runs through tsx. The soft open-files
 * limit is raised to the hard limit first (the server holds one descriptor per connection).
 *
 * Not the sources through tsx: its transform wraps every function expression in a `__name` call, which
 * the built server does not pay (seen in profiles: a closure made per message cost a call more).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from '../scripts/build.mjs';
import { withTimeout } from './clock.js';

export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** Keep this much of the server's output for error messages; the rest is dropped. */
const OUTPUT_TAIL_CHARS = 64 * 1024;
const START_TIMEOUT_MS = 60_000;
/** What `npm start` runs. */
const BUILT_SERVER = 'dist/server/main.js';

export interface ServerOptions {
  /** The script to run, from the project root: the built chat server, or `bench/bare-relay.ts`.  [dist/server/main.js] */
  entry?: string;
  /** Extra environment (DATABASE_URL, DATA_DIR, CHAT_STORAGE, …). */
  env: Record<string, string>;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** SIGTERM, then SIGKILL after this long. */
  stopTimeoutMs?: number;
}

export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  /** The last part of what the process wrote. */
  output(): string;
  /** True while the process runs. */
  alive(): boolean;
  /** SIGTERM (SIGKILL after the timeout); resolves with the exit code, null if killed. Safe to call twice. */
  stop(): Promise<number | null>;
}

/** Every server started and not yet stopped, so an aborted bench can still stop them. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startServer(options: ServerOptions): Promise<ServerProcess> {
  const entry = options.entry ?? BUILT_SERVER;
  if (entry === BUILT_SERVER) await ensureBuilt({ say: (line) => process.stderr.write(`${line}\n`) });
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const nodeCommand = [process.execPath, ...(options.nodeArgs ?? []), ...loader, entry].map(shellQuote).join(' ');
  // `ulimit -n $(ulimit -Hn)`: the soft limit may be below the hard one; exec keeps the pid.
  const child = spawn('bash', ['-c', `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec ${nodeCommand}`], {
    cwd: projectRoot,
    env: {
      // `.ci/run` finds what a run left behind by this marker.
      ...(process.env.CHAT_CI_RUN_ID ? { CHAT_CI_RUN_ID: process.env.CHAT_CI_RUN_ID } : {}),
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      SECRET_KEY: 'bench-secret-key-0123456789abcdef',
      ADMIN_PASSWORD: 'bench-admin-password',
      NODE_ENV: 'production',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 2 * OUTPUT_TAIL_CHARS) output = output.slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = once(child, 'exit').then(([code]) => {
    running.delete(child);
    return code as number | null;
  });

  const url = await withTimeout(
    new Promise<string>((resolve, reject) => {
      const onData = () => {
        const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match) {
          child.stdout!.off('data', onData);
          resolve(match[1]!);
        }
      };
      child.stdout!.on('data', onData);
      void exited.then((code) => reject(new Error(`server exited with ${code} before listening:\n${output.slice(-4000)}`)));
    }),
    START_TIMEOUT_MS,
    'server start',
  ).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });

  let stopping: Promise<number | null> | undefined;
  return {
    url,
    pid: child.pid!,
    output: () => output,
    alive: () => child.exitCode === null && child.signalCode === null,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), options.stopTimeoutMs ?? 60_000);
        const code = await exited;
        clearTimeout(timer);
        return code;
      })();
      return stopping;
    },
  };
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
