/**
 * The usual frame of an integration test file: one real server for the file, and every socket a test
 * opens closed after it.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { connect, type TestSocket } from './client.js';
import type { InProcessCluster } from './in-process-cluster.js';
import { startTestServer, type TestServer, type TestServerOptions } from './server.js';

export interface ServerSuite {
  /** The file's server (available inside tests and hooks). */
  readonly server: TestServer;
  readonly url: string;
  /** Closes these sockets after the current test. */
  track<T extends TestSocket>(...sockets: T[]): T[];
}

export function serverSuite(options: TestServerOptions = {}, afterEachTest?: (suite: ServerSuite) => Promise<void>): ServerSuite {
  let server: TestServer | undefined;
  const open: TestSocket[] = [];
  const suite: ServerSuite = {
    get server() {
      if (!server) throw new Error('the server starts in beforeAll');
      return server;
    },
    get url() {
      return suite.server.url;
    },
    track(...sockets) {
      open.push(...sockets);
      return sockets;
    },
  };
  beforeAll(async () => {
    server = await startTestServer(options);
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(async () => {
    for (const socket of open.splice(0)) socket.close();
    await afterEachTest?.(suite);
  });
  return suite;
}

export interface ClusterSuite {
  /** The describe block's cluster (available inside tests and hooks). */
  readonly cluster: InProcessCluster;
  /** Closes these sockets when the block ends. */
  track<T extends TestSocket>(...sockets: T[]): T[];
  /** A client connected to instance `instance` (its socket closed when the block ends). */
  connect(instance: number): ReturnType<typeof connect>;
  /** Closes every socket tracked so far, now. */
  closeTracked(): void;
}

/** The same frame for a describe block over an in-process cluster: started before its tests, closed after them. */
export function clusterSuite(start: () => Promise<InProcessCluster>): ClusterSuite {
  let cluster: InProcessCluster | undefined;
  const open: TestSocket[] = [];
  beforeAll(async () => {
    cluster = await start();
  }, 60_000);
  afterAll(async () => {
    for (const socket of open.splice(0)) socket.close();
    await cluster?.close();
  });
  return {
    get cluster() {
      if (!cluster) throw new Error('the cluster starts in beforeAll');
      return cluster;
    },
    track(...sockets) {
      open.push(...sockets);
      return sockets;
    },
    async connect(instance) {
      const client = await connect(this.cluster.instances[instance]!.url);
      open.push(client.socket);
      return client;
    },
    closeTracked() {
      for (const socket of open.splice(0)) socket.close();
    },
  };
}
