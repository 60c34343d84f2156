/**
 * The receipt of a chat that ended while the page was away (web/src/ended-away.ts), against a fake listing
 * the test answers: only the room that ended is shown, with its code as listed; a listing without the room
 * is asked again a few times (the room's close may not be stored yet) and then nothing is shown; a failed
 * request shows nothing and is not retried; a lookup overtaken by a new chat or a receipt that arrived shows
 * nothing. No DOM needed: the lookup only reports what to show.
 */
import { describe, expect, it } from 'vitest';
import type { ChatClient } from '../../web/src/chat-client.js';
import { createEndedAway, receiptOf } from '../../web/src/ended-away.js';
import type { ReceiptPayload, ServerToClientEvents } from '../../src/shared/protocol.js';

/** Lets settled promises run their callbacks. */
const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

const CODE_7 = 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG';
const CODE_8 = 'HHHH-JJJJ-KKKK-MMMM-NNNN-PPPP-QQQQ';
const chat = (room_id: number, code: string) => ({ room_id, code, started_at: '', ended_at: '', end_reason: 'left', message_count: 2 });

/** A lookup whose listings are the test's answers, in order (undefined: the request failed); `shown`: how many of the room's messages the page shows. */
function lookup(answers: unknown[], shownOf?: (roomId: number) => number) {
  const handlers = new Map<string, (() => void)[]>();
  const client = {
    on(event: string, handler: () => void) {
      handlers.set(event, [...(handlers.get(event) ?? []), handler]);
    },
  } as unknown as Pick<ChatClient, 'on'>;
  const shown: ReceiptPayload[] = [];
  /** For each receipt shown: whether it says what was said meanwhile can be read with it. */
  const away: boolean[] = [];
  const asked = { listings: 0, sleeps: 0 };
  let wake: (() => void) | undefined;
  const endedAway = createEndedAway(client, {
    show: (receipt, meanwhile) => {
      shown.push(receipt);
      away.push(meanwhile);
    },
    recentChats: () => Promise.resolve(answers[asked.listings++]),
    ...(shownOf === undefined ? {} : { shownOf }),
    // Each wait between tries lasts until the test ends it.
    sleep: () => {
      asked.sleeps++;
      return new Promise<void>((resolve) => (wake = resolve));
    },
  });
  return {
    endedAway,
    shown,
    away,
    asked,
    emit(event: keyof ServerToClientEvents) {
      for (const handler of handlers.get(event) ?? []) handler();
    },
    async retry() {
      wake?.();
      await flush();
    },
  };
}

describe('the receipt of a chat that ended while away (web/src/ended-away.ts)', () => {
  it('reads the code of the room asked for from the listing, and nothing from one that is not a listing', () => {
    const listing = { user_id: 'me000001', chats: [chat(8, CODE_8), chat(7, CODE_7)] };
    expect(receiptOf(listing, 7)).toEqual({ room_id: 7, code: CODE_7, messages: 2 });
    expect(receiptOf({ chats: [{ room_id: 7, code: CODE_7 }] }, 7)).toEqual({ room_id: 7, code: CODE_7 });
    expect(receiptOf(listing, 9)).toBeUndefined();
    expect(receiptOf({ user_id: null, chats: [] }, 7)).toBeUndefined();
    for (const odd of [null, 'text', 7, {}, { chats: 'no' }, { chats: [null, { room_id: '7', code: CODE_7 }, { room_id: 7, code: '' }, { room_id: 7 }] }]) {
      expect(receiptOf(odd, 7)).toBeUndefined();
    }
  });

  it('shows the code of the room that ended, never another room’s', async () => {
    const page = lookup([{ user_id: 'me000001', chats: [chat(8, CODE_8), chat(7, CODE_7)] }]);
    page.endedAway.ended(7);
    await flush();
    expect(page.shown).toEqual([{ room_id: 7, code: CODE_7 }]);
    expect(page.away).toEqual([true]);
  });

  it('says what was said meanwhile can be read on /my only when the chat holds more than the page shows of it', async () => {
    // The chat (two messages listed) shows one of them: the other was said while away.
    const missedOne = lookup([{ user_id: 'me000001', chats: [chat(7, CODE_7)] }], (roomId) => (roomId === 7 ? 1 : 0));
    missedOne.endedAway.ended(7);
    await flush();
    expect(missedOne.away).toEqual([true]);
    // Both shown (a server that went down ended it: nothing was said meanwhile): the receipt, without the note.
    const missedNone = lookup([{ user_id: 'me000001', chats: [chat(7, CODE_7)] }], (roomId) => (roomId === 7 ? 2 : 0));
    missedNone.endedAway.ended(7);
    await flush();
    expect(missedNone.shown).toEqual([{ room_id: 7, code: CODE_7 }]);
    expect(missedNone.away).toEqual([false]);
  });

  it('a chat shown again after a reload without its receipt: its code, as the one that came with the end', async () => {
    const page = lookup([{ user_id: 'me000001', chats: [chat(8, CODE_8)] }, { user_id: 'me000001', chats: [chat(7, CODE_7), chat(8, CODE_8)] }]);
    page.endedAway.missing(7, false);
    await flush();
    expect(page.shown).toEqual([]);
    await page.retry();
    expect(page.shown).toEqual([{ room_id: 7, code: CODE_7 }]);
    expect(page.away).toEqual([false]);
  });

  it('asks again while the room is not listed yet, and shows it once it is', async () => {
    const page = lookup([{ user_id: 'me000001', chats: [chat(8, CODE_8)] }, { user_id: 'me000001', chats: [chat(7, CODE_7), chat(8, CODE_8)] }]);
    page.endedAway.ended(7);
    await flush();
    expect(page.shown).toEqual([]);
    await page.retry();
    expect(page.shown).toEqual([{ room_id: 7, code: CODE_7 }]);
    expect(page.asked.listings).toBe(2);
  });

  it('a room never listed (storage off) shows nothing after a few tries', async () => {
    const empty = { user_id: 'me000001', chats: [] };
    const page = lookup([empty, empty, empty, empty, empty]);
    page.endedAway.ended(7);
    for (let i = 0; i < 5; i++) await page.retry();
    expect(page.shown).toEqual([]);
    expect(page.asked.listings).toBe(3);
  });

  it('a failed request shows nothing and is not asked again', async () => {
    const page = lookup([undefined, { user_id: 'me000001', chats: [chat(7, CODE_7)] }]);
    page.endedAway.ended(7);
    await flush();
    await page.retry();
    expect(page.shown).toEqual([]);
    expect(page.asked.listings).toBe(1);
  });

  it('a lookup overtaken by a new chat, or by a receipt that arrived, shows nothing', async () => {
    for (const event of ['matched', 'receipt'] as const) {
      const page = lookup([{ user_id: 'me000001', chats: [] }, { user_id: 'me000001', chats: [chat(7, CODE_7)] }]);
      page.endedAway.ended(7);
      await flush();
      page.emit(event);
      await page.retry();
      expect(page.shown).toEqual([]);
    }
  });
});
