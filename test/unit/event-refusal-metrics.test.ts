/**
 * What `chat_event_errors_total` counts when a connection closes while one of its events runs: a refusal
 * that the disconnect itself caused (a join that claims nothing for a closed connection answers
 * ALREADY_CHATTING) reaches nobody and is not counted; every other refusal is — storage, overload and flood
 * refusals drive the alerts, and those are exactly the moments clients drop.
 */
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../../src/errors.js';
import { eventListener, type SocketListener } from '../../src/realtime/handler.js';
import type { ChatSocket } from '../../src/realtime/types.js';
import { silentLogger } from '../helpers/database.js';

function refusing(code: ErrorCode) {
  const answered: (string | undefined)[] = [];
  const listener: SocketListener = eventListener({ logger: silentLogger, events: { answered: (_event, c) => answered.push(c) } }, 'join_queue', z.unknown(), async () => {
    throw new AppError(code);
  });
  return { listener, answered };
}

/** Runs the listener once; resolves when its answer is settled (a closed connection is not answered at all). */
async function run(listener: SocketListener, connected: boolean): Promise<void> {
  const socket = { connected, data: { lang: 'en' }, conn: { close: () => undefined }, emit: () => true } as unknown as ChatSocket;
  listener.call(socket, {}, () => undefined);
  await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('refusals counted when the connection closed meanwhile', () => {
  it.each([ErrorCode.ALREADY_CHATTING, ErrorCode.NOT_WAITING, ErrorCode.NOT_IN_CHAT])('%s, caused by the disconnect: not counted once closed, counted while open', async (code) => {
    const { listener, answered } = refusing(code);
    await run(listener, false);
    expect(answered).toEqual([]);
    await run(listener, true);
    expect(answered).toEqual([code]);
  });

  it.each([ErrorCode.STORAGE_UNAVAILABLE, ErrorCode.SERVER_BUSY, ErrorCode.RATE_LIMITED, ErrorCode.INTERNAL_ERROR])('%s: counted even though the connection closed', async (code) => {
    const { listener, answered } = refusing(code);
    await run(listener, false);
    expect(answered).toEqual([code]);
  });
});
