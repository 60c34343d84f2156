/**
 * The parent's side of the load generator: K forked worker processes (bench/worker.ts through tsx),
 * each answering typed commands. Workers exit when the parent goes away.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { withTimeout } from './clock.js';
import type { Command, Reply, Request, ResultOf } from './worker-protocol.js';

const workerFile = fileURLToPath(new URL('./worker.ts', import.meta.url));

export class WorkerPool {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  private constructor(private readonly children: ChildProcess[]) {
    for (const child of children) {
      child.on('message', (raw) => {
        const reply = raw as Reply;
        const waiter = this.pending.get(reply.id);
        if (!waiter) return;
        this.pending.delete(reply.id);
        if (reply.ok) waiter.resolve(reply.result);
        else waiter.reject(new Error(`worker failed: ${reply.error}`));
      });
      child.on('exit', (code, signal) => {
        for (const [, waiter] of this.pending) waiter.reject(new Error(`a worker exited (${code ?? signal}) during a command`));
        this.pending.clear();
      });
    }
  }

  static async start(count: number): Promise<WorkerPool> {
    const children = Array.from({ length: count }, (_, i) =>
      fork(workerFile, [String(i)], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
    );
    process.once('exit', () => children.forEach((c) => c.kill('SIGKILL')));
    await Promise.all(children.map((c) => withTimeout(once(c, 'spawn'), 30_000, 'worker start')));
    return new WorkerPool(children);
  }

  get size(): number {
    return this.children.length;
  }

  get pids(): number[] {
    return this.children.flatMap((c) => (c.pid !== undefined && c.exitCode === null ? [c.pid] : []));
  }

  /** Sends a command to worker `index` and resolves with its answer. */
  call<C extends Command>(index: number, command: C, timeoutMs: number): Promise<ResultOf[C['type']]> {
    const child = this.children[index];
    if (!child) throw new Error(`no worker ${index}`);
    const id = this.nextId++;
    const answer = new Promise<unknown>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    child.send({ id, command } satisfies Request);
    return withTimeout(answer, timeoutMs, `worker ${index} ${command.type}`).finally(() => this.pending.delete(id)) as Promise<ResultOf[C['type']]>;
  }

  /** The same command (or one per worker) to every worker at once. */
  all<C extends Command>(command: C | ((index: number) => C), timeoutMs: number): Promise<ResultOf[C['type']][]> {
    return Promise.all(this.children.map((_, i) => this.call(i, typeof command === 'function' ? command(i) : command, timeoutMs)));
  }

  /** Closes every socket, then ends the workers. Safe to call twice. */
  async stop(): Promise<void> {
    await this.all({ type: 'close' }, 30_000).catch(() => undefined);
    await Promise.all(
      this.children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.disconnect();
        await withTimeout(exited, 10_000, 'worker exit').catch(() => child.kill('SIGKILL'));
      }),
    );
  }
}

/** Splits `total` into `parts` near-equal shares; with `even`, every share is even (whole pairs). */
export function shares(total: number, parts: number, even = false): number[] {
  const unit = even ? 2 : 1;
  const units = Math.floor(total / unit);
  return Array.from({ length: parts }, (_, i) => (Math.floor(units / parts) + (i < units % parts ? 1 : 0)) * unit);
}
