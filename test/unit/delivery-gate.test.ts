/**
 * The delivery gate's replay on its own, with a notifier that records what each connection was sent: a
 * connection catching up gets the messages held for it only once its replay has run to its end.
 */
import { describe, expect, it } from 'vitest';
import { DeliveryGate, REPLAY_PAGE } from '../../src/chat/delivery-gate.js';
import type { ChatNotifier } from '../../src/chat/notifier.js';
import type { ChatMessage } from '../../src/shared/protocol.js';

const ROOM = 7;
const message = (id: number): ChatMessage => ({ id, room_id: ROOM, sender_id: 'partner', content: `m${id}`, timestamp: '2026-01-01 00:00:00' }) as ChatMessage;

function recordingNotifier(drainedAs: 'drained' | 'gone' | 'stalled' = 'drained') {
  const sent = new Map<string, number[]>();
  const record = (socketId: string, payload: unknown) => sent.set(socketId, [...(sent.get(socketId) ?? []), (payload as ChatMessage).id]);
  const notifier = {
    toSocket: (socketId: string, _event: string, payload: unknown) => record(socketId, payload),
    toConversation: (_room: number, _event: string, payload: unknown) => record('partner-socket', payload),
    toConversationExcept: (_room: number, except: string[], _event: string, payload: unknown) => {
      if (!except.includes('partner-socket')) record('partner-socket', payload);
    },
    joinConversation: () => undefined,
    drained: async () => drainedAs,
  } as unknown as ChatNotifier;
  return { notifier, sentTo: (socketId: string) => sent.get(socketId) ?? [] };
}

describe('delivery gate: a connection catching up', () => {
  it('is sent what was missed, then what arrived meanwhile, each once and in order', async () => {
    const { notifier, sentTo } = recordingNotifier();
    const gate = new DeliveryGate(notifier);
    let reads = 0;
    const outcome = await gate.replay(ROOM, 'resumer', 10, async (after) => {
      if (reads++ === 0) {
        gate.deliver(message(16)); // stored while the page was read: in the page too, and held
        return [11, 12, 13, 14, 15, 16].map(message);
      }
      gate.deliver(message(17));
      return [];
    });
    expect(outcome).toEqual({ status: 'done', replayed: 6 });
    expect(sentTo('resumer')).toEqual([11, 12, 13, 14, 15, 16, 17]);
  });

  it('whose page read fails is sent none of the newer messages held for it (it would skip the ones it missed)', async () => {
    const { notifier, sentTo } = recordingNotifier();
    const gate = new DeliveryGate(notifier);
    const replay = gate.replay(ROOM, 'resumer', 10, async () => {
      gate.deliver(message(16)); // the partner writes while the read is under way
      throw new Error('timeout exceeded when trying to connect');
    });
    await expect(replay).rejects.toThrow('timeout exceeded');
    // Before, 16 was sent: the page then counted 16 as seen, and 11–15 were never shown on it.
    expect(sentTo('resumer')).toEqual([]);
    expect(sentTo('partner-socket')).toEqual([16]);
  });

  it('that stops taking its replay is sent nothing more either', async () => {
    const { notifier, sentTo } = recordingNotifier('stalled');
    const gate = new DeliveryGate(notifier);
    const outcome = await gate.replay(ROOM, 'resumer', 0, async (after) => {
      if (after === 0) gate.deliver(message(REPLAY_PAGE + 5));
      return Array.from({ length: REPLAY_PAGE }, (_, i) => message(after + i + 1));
    });
    expect(outcome.status).toBe('stalled');
    expect(sentTo('resumer')).toHaveLength(REPLAY_PAGE);
    expect(sentTo('resumer')).not.toContain(REPLAY_PAGE + 5);
  });
});
