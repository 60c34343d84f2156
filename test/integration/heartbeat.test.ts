import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, request, waitFor } from '../helpers/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

let server: TestServer;
let proxy: TcpProxy;
beforeAll(async () => {
  // Quick enough to find the vanished client within the waits below, not so quick that a loaded machine
  // drops the live partner (whose socket does not reconnect).
  server = await startTestServer({ config: { pingIntervalMs: 500, pingTimeoutMs: 1_000, reconnectGraceMs: 600 } });
  const { port } = new URL(server.url);
  proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(port) });
});
afterAll(async () => {
  await proxy?.close();
  await server?.close();
});

it('a client that vanishes without closing (no FIN) is detected by heartbeat and handled like a drop', async () => {
  const { socket: a } = await connect(proxy.url);
  const { socket: b } = await connect(server.url);
  await request(a, 'join_queue');
  await request(b, 'join_queue');
  const partnerDisconnected = waitFor(b, 'partner_disconnected', 6_000);
  const partnerLeft = waitFor(b, 'partner_left', 8_000);
  proxy.blackhole();
  // Heartbeat (500 ms + 1 s) notices, then the grace period (600 ms) ends the chat.
  expect(await partnerDisconnected).toMatchObject({ grace_ms: 600 });
  expect(await partnerLeft).toMatchObject({ reason: 'disconnected' });
  a.close();
  b.close();
});
