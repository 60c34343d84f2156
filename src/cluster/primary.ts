/**
 * `WEB_CONCURRENCY=N`: this process listens and hands each connection to one of N worker processes,
 * keeping every Socket.IO session on one worker (sticky by session id, so HTTP long-polling works too).
 * Workers are restarted if they die; SIGTERM stops them gracefully, a second signal at once.
 */
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setupMaster } from '@socket.io/sticky';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { stopReadsOnHandOver } from './hand-over.js';

/** A worker that dies this soon after starting is not restarted again (it would crash-loop). */
const MIN_WORKER_LIFETIME_MS = 5_000;

export function runPrimary(config: Config, logger: Logger): void {
  const httpServer = createServer();
  setupMaster(httpServer, { loadBalancingMethod: 'least-connection' });
  // Node would read (and drop) what a client sends while a handed-over connection waits for the worker's ack.
  stopReadsOnHandOver(httpServer);
  // The first bytes of each connection travel to the worker over IPC; Buffers need advanced serialization.
  cluster.setupPrimary({ serialization: 'advanced' });
  let stopping = false;
  const startedAt = new Map<number, number>();
  /** Each worker's slot (0…n-1), kept by its replacement: what is per worker, like its metrics port, stays put. */
  const slots = new Map<number, number>();

  let ready = 0;
  const fork = (slot: number) => {
    const worker = cluster.fork({ CHAT_WORKER_SLOT: String(slot) });
    startedAt.set(worker.id, Date.now());
    slots.set(worker.id, slot);
    worker.on('message', (message: { chat?: string }) => {
      // Open the port once every first-generation worker can take connections.
      if (message?.chat === 'ready' && ++ready === config.webConcurrency) listen();
    });
  };
  for (let i = 0; i < config.webConcurrency; i++) fork(i);

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker.id) ?? 0);
    const slot = slots.get(worker.id) ?? 0;
    startedAt.delete(worker.id);
    slots.delete(worker.id);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        // No worker is left to serve a connection still open here: close them rather than wait for them.
        httpServer.closeAllConnections();
        httpServer.close(() => process.exit(0));
      }
      return;
    }
    logger.error({ workerPid: worker.process.pid, code, signal }, 'worker exited');
    if (lived >= MIN_WORKER_LIFETIME_MS) fork(slot);
    else if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(1);
  });

  const listen = () =>
    httpServer.listen(config.port, config.host, () => {
      const { port } = httpServer.address() as AddressInfo;
      const shown = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
      logger.info({ workers: config.webConcurrency }, `Server listening at http://${shown}:${port}`);
    });

  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'stopping workers');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
