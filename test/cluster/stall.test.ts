/**
 * An instance whose event loop stalls longer than presence tolerates (here: the real process frozen with
 * SIGSTOP for 9 s, as a saturated machine can do) is taken for dead and its people adopted by the other.
 * When it runs again, the people still connected to it must be taken back: the waiting one is matched
 * again, the chatting one's partner is told it is back and the chat goes on both ways. Before the fix,
 * they stayed "detached" on the adopter until their grace period ended: never matched, chats cut.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, eventually, received, request, waitFor, type TestSocket } from '../helpers/client.js';
import { startCluster, type TestCluster } from '../helpers/cluster.js';
import { hasPostgres, hasRedis } from '../helpers/services.js';

const available = hasPostgres() && hasRedis();

describe.skipIf(!available)('an instance stalled longer than presence tolerates', () => {
  let cluster: TestCluster;
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    // A grace period long enough that only the fix (not a reconnect) can save the chat and the wait.
    cluster = await startCluster(2, { RECONNECT_GRACE_MS: '60000' });
  }, 120_000);
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await cluster?.stop();
  });
  const open = async (instance: number) => {
    const connection = await connect(cluster.urls[instance]!);
    sockets.push(connection.socket);
    return connection;
  };

  it('takes back its waiting and chatting people when it runs again', { timeout: 60_000 }, async () => {
    // A chat across the two instances (onStalled on instance 0), then someone waiting on instance 0.
    const onStalled = await open(0);
    const onLive = await open(1);
    expect(await request(onStalled.socket, 'join_queue')).toMatchObject({ status: 'waiting' });
    const matched = waitFor(onStalled.socket, 'matched');
    expect(await request(onLive.socket, 'join_queue')).toMatchObject({ status: 'matched' });
    await matched;
    const waiting = await open(0);
    expect(await request(waiting.socket, 'join_queue')).toMatchObject({ status: 'waiting' });

    // Frozen until the live instance has adopted its people (it tells the partner the connection is lost).
    const told = waitFor(onLive.socket, 'partner_disconnected', 20_000);
    cluster.instances[0]!.child.kill('SIGSTOP');
    try {
      await told;
    } finally {
      cluster.instances[0]!.child.kill('SIGCONT');
    }

    // Running again: the partner hears it is back, and the chat goes on both ways.
    await waitFor(onLive.socket, 'partner_reconnected', 10_000);
    // (Each side also receives its own messages: what is checked is what the other side sent.)
    expect(await request(onStalled.socket, 'send_message', { content: 'still here' })).toMatchObject({ ok: true });
    expect(await request(onLive.socket, 'send_message', { content: 'welcome back' })).toMatchObject({ ok: true });
    const contents = (socket: TestSocket) => received(socket, 'new_message').map((m) => m.content);
    await eventually(() => expect(contents(onLive.socket)).toEqual(['still here', 'welcome back']));
    await eventually(() => expect(contents(onStalled.socket)).toEqual(['still here', 'welcome back']));

    // The waiting one is matchable again: a newcomer on the live instance meets them.
    const newcomer = await open(1);
    const waitingMatched = waitFor(waiting.socket, 'matched', 10_000);
    expect(await request(newcomer.socket, 'join_queue')).toMatchObject({ status: 'matched' });
    await waitingMatched;
  });
});
