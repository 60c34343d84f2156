import { afterAll, beforeAll, expect, it } from 'vitest';
import { matchedPair, request, waitFor } from '../helpers/client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
beforeAll(async () => { server = await startTestServer(); });
afterAll(async () => { await server?.close(); });

it('smoke: two strangers match and chat', async () => {
  const { a, b, aId } = await matchedPair(server.url);
  const got = waitFor(b, 'new_message');
  const ack = await request(a, 'send_message', { content: 'hi', cid: 'c1' });
  expect(ack).toMatchObject({ ok: true });
  const msg = await got;
  expect(msg).toMatchObject({ sender_id: aId, content: 'hi', cid: 'c1' });
  expect(msg.timestamp).toMatch(/\+08:00$/);
  a.close(); b.close();
});
