/**
 * Private rooms survive a restart, on both engines: a key made before it still reunites the same two
 * people after it (and still refuses a third), with the conversation they had before the restart.
 */
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/shared/protocol.js';
import { connect, eventually, received, request, waitFor } from '../helpers/client.js';
import type { Engine } from '../helpers/database.js';
import { startTestServer } from '../helpers/server.js';
import { hasPostgres } from '../helpers/services.js';

const engines: Engine[] = ['pglite', ...(hasPostgres() ? (['postgres'] as const) : [])];

type Ack = { ok: boolean; code?: string; key?: string; status?: string; room_id?: number; message?: ChatMessage };

describe.each(engines)('private rooms survive a restart on %s', (engine) => {
  it('the key, the two people bound to it and their conversation are there after the restart', { timeout: 60_000 }, async () => {
    const first = await startTestServer({ engine });
    const a = await connect(first.url);
    const b = await connect(first.url);
    const { key } = await request<Ack & { key: string }>(a.socket, 'create_private');
    expect(await request<Ack>(b.socket, 'join_private', { key })).toMatchObject({ status: 'matched' });
    const said: ChatMessage[] = [];
    for (const [from, content] of [[a, '重启之前'], [b, 'before the restart']] as const) {
      const ack = await request<Ack>(from.socket, 'send_message', { content });
      said.push(ack.message!);
    }
    a.socket.close();
    b.socket.close();
    await first.close({ keepData: true });

    const databaseName = first.databaseUrl ? new URL(first.databaseUrl).pathname.slice(1) : undefined;
    const second = await startTestServer({ engine, dataDir: first.dataDir, databaseName });
    try {
      const aAgain = await connect(second.url, { token: a.session.token });
      const bAgain = await connect(second.url, { token: b.session.token });
      const stranger = await connect(second.url);
      expect(await request<Ack>(stranger.socket, 'join_private', { key })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
      expect(await request<Ack>(bAgain.socket, 'join_private', { key })).toEqual({ ok: true, status: 'waiting' });
      const history = received(aAgain.socket, 'room_history');
      const matched = waitFor(bAgain.socket, 'matched');
      expect(await request<Ack>(aAgain.socket, 'join_private', { key })).toMatchObject({ ok: true, status: 'matched' });
      expect((await matched).match_type).toBe('private');
      await eventually(() => expect(history.flatMap((h) => h.messages)).toEqual(said));
      for (const socket of [aAgain.socket, bAgain.socket, stranger.socket]) socket.close();
    } finally {
      await second.close();
    }
  });
});
