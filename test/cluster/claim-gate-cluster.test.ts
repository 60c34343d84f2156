/**
 * The claim gate where the race is widest: in cluster mode a join waits on Redis several times before its
 * wait is claimed. A client that says goodbye during those round trips must leave no wait behind on the
 * cluster (src/chat/claim-gate.ts): before the gate, the next joiner — on another instance — was matched
 * with a connection that was gone. Redis sits behind a proxy 100 ms away each way, so the goodbye lands
 * in the middle of the join every time.
 */
import { describe, expect, it } from 'vitest';
import { connect, eventually, request } from '../helpers/client.js';
import { startClusterBehindSlowRedis } from '../helpers/in-process-cluster.js';
import { clusterSuite } from '../helpers/suite.js';
import { hasPostgres, hasRedis } from '../helpers/services.js';

const available = hasRedis() && hasPostgres();
const DELAY_MS = 100;

describe.skipIf(!available)('claim gate in cluster mode (Redis 100 ms away each way)', () => {
  const suite = clusterSuite(() => startClusterBehindSlowRedis(2, DELAY_MS));

  it('a goodbye in the middle of a join leaves nobody waiting: the next joiner, on the other instance, waits', { timeout: 30_000 }, async () => {
    const a = await connect(suite.cluster.instances[0]!.url);
    const joining = request(a.socket, 'join_queue').catch(() => undefined); // answered to nobody
    // The join is now waiting on its first Redis round trip (the flood check), its claim still to come.
    await new Promise((resolve) => setTimeout(resolve, DELAY_MS));
    a.socket.disconnect();
    void joining;
    // Long enough for every round trip the join had left (flood check, read, claim, queue): about 1 s.
    await new Promise((resolve) => setTimeout(resolve, 12 * DELAY_MS));

    const b = await connect(suite.cluster.instances[1]!.url);
    suite.track(b.socket);
    expect(await request(b.socket, 'join_queue')).toMatchObject({ ok: true, status: 'waiting' });
    await eventually(async () => expect(await suite.cluster.instances[1]!.app.liveStats.waitingCount()).toBe(1), 5_000);
  });
});
