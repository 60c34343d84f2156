/**
 * `WEB_CONCURRENCY=N`: this process listens and hands each connection to one of N worker processes,
 * keeping every Socket.IO session on one worker (sticky by session id, so HTTP long-polling works too).
 *
 * The port opens once every worker is ready. A worker that exits before the port is open (its metrics
 * port taken, PostgreSQL or Redis unreachable at start…) stops the others and this process exits with 1: a
 * primary without its port would look healthy to a supervisor (systemd, Docker, Kubernetes), which restarts
 * the whole service instead. Once serving, a worker that dies is replaced — at once if it had served a
 * while, else after a delay that grows while its replacements keep failing (`restartDelayMs`): the others
 * keep their chats, one short meanwhile; none left, this process exits with 1. A worker that exits with 3
 * (a newer release migrated the database: src/storage/schema-version.ts) is not replaced: every worker is
 * stopped and this process exits with 3. SIGTERM (SIGINT, SIGHUP) stops the workers gracefully, a second signal at once.
 */
import cluster, { type Worker } from 'node:cluster';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setupMaster } from '@socket.io/sticky';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { SCHEMA_TOO_NEW_EXIT_CODE } from '../storage/schema-version.js';
import { stopReadsOnHandOver } from './hand-over.js';

/** A worker that served this long after it got ready is restarted at once when it dies. */
export const MIN_WORKER_LIFETIME_MS = 5_000;
/** Otherwise (it failed at start, or soon after) it is restarted after 1 s, 2 s, 4 s… at most a minute. */
const FIRST_RESTART_DELAY_MS = 1_000;
const MAX_RESTART_DELAY_MS = 60_000;
/** After a failed start, how long the workers get to stop on SIGTERM before they are killed. */
const FAILED_STOP_TIMEOUT_MS = 10_000;

interface WorkerState {
  worker: Worker;
  /** 0…n-1, kept by its replacement: what is per worker, like its metrics port, stays put. */
  slot: number;
  /** It said it can take connections. */
  ready: boolean;
  /** When it did (Date.now()). */
  readyAt?: number;
}

/**
 * How long after a worker exited while serving it is started again: at once if it got ready and served
 * MIN_WORKER_LIFETIME_MS; otherwise — a replacement that failed at start (PostgreSQL or Redis out of reach
 * for a while), or one that crashes soon after getting ready — after a delay that doubles with each such
 * exit of its slot in a row (`failuresInARow`), up to a minute. Before, only the age since the fork counted:
 * a replacement failing after 5 s was started again for ever, at once, and one failing sooner never again,
 * even once what it needed was back (found by review).
 */
export function restartDelayMs(worker: Pick<WorkerState, 'readyAt'>, nowMs: number, failuresInARow: number): number {
  if (worker.readyAt !== undefined && nowMs - worker.readyAt >= MIN_WORKER_LIFETIME_MS) return 0;
  return Math.min(FIRST_RESTART_DELAY_MS * 2 ** failuresInARow, MAX_RESTART_DELAY_MS);
}

/**
 * Whether a worker's exit during a stop means the stop failed: an exit code other than 0 (its own stop
 * failed or ran out of time) or SIGKILL. Not SIGTERM: a worker still starting is stopped with it, its
 * default handler ending it — an ordinary stop (found by review: a deploy during a start exited 1).
 */
export function stopFailed(code: number | null, signal: string | null): boolean {
  return (code !== null && code !== 0) || signal === 'SIGKILL';
}

/** The count @socket.io/sticky keeps on each worker for its least-connection choice (not in its types). */
function balanced(worker: Worker): Worker & { clientsCount?: number } {
  return worker;
}

export function runPrimary(config: Config, logger: Logger): void {
  const httpServer = createServer();
  setupMaster(httpServer, { loadBalancingMethod: 'least-connection' });
  // Node would read (and drop) what a client sends while a handed-over connection waits for the worker's ack.
  stopReadsOnHandOver(httpServer);
  // The first bytes of each connection travel to the worker over IPC; Buffers need advanced serialization.
  cluster.setupPrimary({ serialization: 'advanced' });
  /** Live workers by cluster id: ours rather than `cluster.workers`, which can still hold one that has exited. */
  const workers = new Map<number, WorkerState>();
  /** Set once every worker is being stopped: the code this process exits with when none is left. */
  let exitCode: number | undefined;
  /** Exits of a slot's worker in a row that were not after a while of serving (their restart waits longer). */
  const failuresInARow = new Map<number, number>();
  /** Restarts waiting for their delay (cancelled by a stop). */
  const restarts = new Set<ReturnType<typeof setTimeout>>();
  let listening = false;

  const fork = (slot: number) => {
    const worker = cluster.fork({ CHAT_WORKER_SLOT: String(slot) });
    const state: WorkerState = { worker, slot, ready: false };
    workers.set(worker.id, state);
    // The sticky balancer sends each new connection to the worker with the fewest, and one it never counted
    // has none: a replacement would get every connection while it starts — and a connection handed to a
    // worker that has not set up its side yet is never answered. So it counts as full until it is ready.
    balanced(worker).clientsCount = Number.POSITIVE_INFINITY;
    // A worker's IPC channel failing (it died meanwhile) is its exit's business: logged, never thrown.
    worker.on('error', (err) => logger.warn({ err, workerPid: worker.process.pid }, 'worker IPC error'));
    worker.on('message', (message: { chat?: string } | undefined) => {
      if (message?.chat !== 'ready' || state.ready) return;
      state.ready = true;
      state.readyAt = Date.now();
      // Ready while stopping (its SIGTERM came before it handled signals, or while it started): asked once
      // more, through IPC now — a stop under way there ignores it.
      if (exitCode !== undefined) askToStop(worker);
      balanced(worker).clientsCount = 0;
      // Open the port once every worker can take connections.
      if (!listening && exitCode === undefined && [...workers.values()].every((w) => w.ready)) listen();
    });
  };

  const exitWhenNoneLeft = () => {
    if (workers.size > 0) return;
    // No worker is left to serve a connection still open here: close them rather than wait for them.
    httpServer.closeAllConnections();
    httpServer.close(() => process.exit(exitCode));
  };

  /**
   * Asks a worker to stop through the IPC channel, not with SIGTERM: a signal sent to the whole process
   * group (systemd's default, Ctrl-C in a terminal) has reached the workers already, and a second SIGTERM
   * is a worker's "exit now" — every worker then left without telling anyone (found by review).
   */
  const askToStop = (worker: Worker) => {
    // One still starting may not listen yet (a message without a listener is dropped), and one already gone
    // cannot be asked: SIGTERM, whose default ends a process that set no handler yet. A failed send falls
    // back to it too (with a callback, a send to a closed channel reports its error there, never as an
    // 'error' event nobody handles).
    if (!workers.get(worker.id)?.ready || !worker.isConnected()) {
      worker.process.kill('SIGTERM');
      return;
    }
    worker.send({ chat: 'stop' }, undefined, (err: Error | null) => {
      if (err) worker.process.kill('SIGTERM');
    });
  };

  const stopWorkers = (code: number) => {
    exitCode = code;
    for (const restart of restarts) clearTimeout(restart);
    restarts.clear();
    for (const { worker } of workers.values()) askToStop(worker);
    if (code !== 0) {
      // No supervisor's SIGKILL follows a stop this process began: a worker stuck in its shutdown must not
      // outlive us. One stopped for a newer schema is serving: it gets its SHUTDOWN_TIMEOUT_MS first.
      const killAfterMs = code === SCHEMA_TOO_NEW_EXIT_CODE ? config.shutdownTimeoutMs + FAILED_STOP_TIMEOUT_MS : FAILED_STOP_TIMEOUT_MS;
      setTimeout(() => {
        for (const { worker } of workers.values()) {
          logger.warn({ workerPid: worker.process.pid }, `worker still running ${killAfterMs} ms after it was asked to stop: killed`);
          worker.process.kill('SIGKILL');
        }
      }, killAfterMs);
    }
    exitWhenNoneLeft();
  };

  for (let i = 0; i < config.webConcurrency; i++) fork(i);

  cluster.on('exit', (worker, code, signal) => {
    const state = workers.get(worker.id);
    workers.delete(worker.id);
    if (exitCode !== undefined) {
      // A worker whose stop failed (past its SHUTDOWN_TIMEOUT_MS, say) makes the whole stop a failure: the
      // supervisor is told by this process's code.
      if (stopFailed(code, signal) && code !== SCHEMA_TOO_NEW_EXIT_CODE) exitCode = 1;
      return exitWhenNoneLeft();
    }
    if (!state) return;
    const fields = { workerPid: worker.process.pid, slot: state.slot, code, signal };
    if (code === SCHEMA_TOO_NEW_EXIT_CODE) {
      // A newer release migrated the database: a restarted worker would find the same. The supervisor
      // is told by this process's exit (and starts the newer release, or refuses again).
      logger.error(fields, 'a worker found the database migrated by a newer version: stopping every worker and exiting with 3');
      return stopWorkers(SCHEMA_TOO_NEW_EXIT_CODE);
    }
    if (!state.ready && !listening) {
      logger.error(fields, 'worker exited before it was ready (its log above says why): stopping the other workers and exiting with 1');
      return stopWorkers(1);
    }
    const failures = failuresInARow.get(state.slot) ?? 0;
    const delayMs = restartDelayMs(state, Date.now(), failures);
    if (delayMs === 0) failuresInARow.delete(state.slot);
    else failuresInARow.set(state.slot, failures + 1);
    if (delayMs > 0 && workers.size === 0) {
      // Nobody serves meanwhile: the supervisor restarts the whole service instead.
      logger.error(fields, 'worker exited and no worker is left: exiting with 1');
      return stopWorkers(1);
    }
    logger.error({ ...fields, restartInMs: delayMs }, delayMs === 0 ? 'worker exited: restarting it' : `worker exited ${state.ready ? 'soon after it got ready' : 'before it was ready'}: restarting it in ${delayMs} ms`);
    const restart = setTimeout(() => {
      restarts.delete(restart);
      if (exitCode === undefined) fork(state.slot);
    }, delayMs);
    restarts.add(restart);
  });

  const listen = () => {
    listening = true;
    httpServer.once('error', (err) => {
      logger.error({ err }, `cannot listen on HOST=${config.host} PORT=${config.port}: stopping the workers and exiting with 1`);
      stopWorkers(1);
    });
    httpServer.listen(config.port, config.host, () => {
      const { port } = httpServer.address() as AddressInfo;
      const shown = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
      logger.info({ workers: workers.size }, `Server listening at http://${shown}:${port}`);
    });
  };

  /** A signal came already: the next one is "exit now". (Not `exitCode`: a stop this process began itself — a
   * worker's failed start, a newer schema — is no signal, and the supervisor's SIGTERM during it is a first.) */
  let signalled = false;
  const stop = (signal: string) => {
    if (signalled) process.exit(1);
    signalled = true;
    if (exitCode !== undefined) return logger.info({ signal }, 'already stopping the workers');
    logger.info({ signal }, 'stopping workers');
    stopWorkers(0);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // The terminal of an `npm start` closing: the primary too, or it dies and its workers' IPC with it.
  process.on('SIGHUP', () => stop('SIGHUP'));
}
