/**
 * Adopting a dead instance's person whose activity changed after it was read — a joiner on another
 * instance matched them just before the adoption, say — while it is still the dead instance's: adopted as
 * it is now (detached, the partner told), not left in a silent chat for good. Real server and sockets; the
 * memory registry, with the dead instance's mark put on by the test.
 */
import { describe, expect, it } from 'vitest';
import { MemoryActivityRegistry, stateOf } from '../../src/chat/activity-registry.js';
import { chattingPair, connect, waitFor } from '../helpers/client.js';
import { serverSuite } from '../helpers/suite.js';

const registry = new MemoryActivityRegistry();
const suite = serverSuite({ deps: { registry } });

async function client() {
  const c = await connect(suite.url);
  suite.track(c.socket);
  return c;
}

describe('adopting a dead instance’s person whose activity changed since it was read', () => {
  it('adopts it as it is now: detached for the grace period, the partner told', async () => {
    const { a, b, roomId } = await chattingPair(client);
    const bId = b.session.user_id;
    // B's instance died: the adopter reads B's activity, marked with that instance.
    const current = await registry.get(bId);
    const read = await registry.transition(bId, { rev: current!.rev }, { ...stateOf(current!), instanceId: 'dead-instance' });
    // Before the adoption, the activity changes (a new revision), still the dead instance's.
    await registry.transition(bId, { rev: read!.rev }, stateOf(read!));
    const told = waitFor(a.socket, 'partner_disconnected');
    await suite.server.app.chat.adopt(bId, read!);
    expect(await told).toMatchObject({ grace_ms: expect.any(Number) });
    expect(await registry.get(bId)).toMatchObject({ kind: 'chatting', roomId, detached: expect.anything() });
  });
});
