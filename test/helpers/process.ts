/**
 * The real entry point in a child process, as an operator starts it: `src/main.ts` through tsx.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { seedPgliteDir } from './database.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * `.ci/run` marks every process it starts with `CHAT_CI_RUN_ID` and stops (and names) any still running
 * when it ends; child processes started with a hand-made environment carry the marker on.
 */
export function ciMarker(): Record<string, string> {
  const id = process.env.CHAT_CI_RUN_ID;
  return id ? { CHAT_CI_RUN_ID: id } : {};
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote, for assertions on logs. */
  output: () => string;
  /** Sends a signal and resolves with the exit code. */
  /** Sends `signal` and waits for the exit; with `killAfterMs`, SIGKILL (and a warning) if it takes longer. */
  stop(signal?: NodeJS.Signals, options?: { killAfterMs?: number }): Promise<number | null>;
}

export interface ServerProcessOptions {
  /** Node arguments; default `--import tsx src/main.ts`. */
  args?: string[];
  /** Working directory; default the project root. */
  cwd?: string;
  /**
   * How long to wait for the listening line. Default 90 s: a start through tsx takes 2-5 s on a quiet
   * machine, but CI saw a WEB_CONCURRENCY=2 start (three processes) miss 30 s on a saturated one.
   */
  readyTimeoutMs?: number;
  /** Leave an empty DATA_DIR empty (the server runs initdb itself) instead of seeding it from the template. */
  freshData?: boolean;
  /** Its own process group (pid = group id), so that a test can signal the whole group as systemd does. */
  detached?: boolean;
}

/** Starts `src/main.ts` (or `options.args`) with the given environment and resolves once it listens. */
export async function startServerProcess(env: Record<string, string>, options: ServerProcessOptions = {}): Promise<ServerProcess> {
  // Embedded PGlite in a new DATA_DIR starts from the run's migrated template, not from initdb.
  if (env.DATA_DIR && !env.DATABASE_URL && !options.freshData) seedPgliteDir(env.DATA_DIR);
  const child = spawn(process.execPath, options.args ?? ['--import', 'tsx', 'src/main.ts'], {
    cwd: options.cwd ?? root,
    env: { ...ciMarker(), PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', SECRET_KEY: 'process-test-secret-key-0123456789', CHALLENGE: 'off', RULES_GATE: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running behind the failed test.
      child.kill('SIGKILL');
      reject(new Error(`server did not start:\n${output}`));
    }, options.readyTimeoutMs ?? 90_000);
    const onData = () => {
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    async stop(signal = 'SIGTERM', options = {}) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = once(child, 'exit') as Promise<[number | null]>;
      child.kill(signal);
      if (options.killAfterMs !== undefined) {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), options.killAfterMs)));
        const outcome = await Promise.race([exited, late]);
        clearTimeout(timer);
        if (outcome === 'late') {
          console.warn(`server process ${child.pid} still running ${options.killAfterMs} ms after ${signal}: killed. Its last output:\n${output.slice(-3000)}`);
          child.kill('SIGKILL');
        }
      }
      const [code] = await exited;
      return code;
    },
  };
}
