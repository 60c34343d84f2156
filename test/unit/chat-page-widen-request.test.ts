/**
 * "Match anyone now" on the chat page's waiting screen (web/src/widen-request.ts) against a fake client whose
 * answers the test gives, in the order it chooses: one request at a time per wait, and an answer acts only
 * on the wait it was asked in — a late one for an earlier wait neither widens the new wait on screen (its
 * button hidden) nor keeps the new wait's button from asking. No DOM needed: the request only reports.
 */
import { describe, expect, it } from 'vitest';
import type { ChatClient, Result } from '../../web/src/chat-client.js';
import { createWidenRequest } from '../../web/src/widen-request.js';
import type { JoinQueueResult } from '../../src/shared/protocol.js';

type Answer = Result<JoinQueueResult>;

/** Lets settled promises run their callbacks. */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A client whose every `widen_search` waits for the test's answer (`answer(i, …)`: the i-th request's). */
function fakeClient() {
  const pending: ((res: Answer) => void)[] = [];
  const client: Pick<ChatClient, 'widenSearch'> = {
    widenSearch: () => new Promise<Answer>((resolve) => pending.push(resolve)),
  };
  return {
    client,
    get sent() {
      return pending.length;
    },
    async answer(i: number, res: Answer) {
      pending[i]!(res);
      await flush();
    },
  };
}

/** A request and what it reported: how often the wait widened, and the refusals it passed on. */
function widenRequest() {
  const fake = fakeClient();
  const reported = { widened: 0, refused: [] as string[] };
  const request = createWidenRequest(fake.client, {
    widened: () => reported.widened++,
    refused: (res) => reported.refused.push(res.code),
  });
  return { fake, request, reported };
}

const widened: Answer = { ok: true, status: 'waiting', waiting_count: 1 };
const refused = (code: 'INTERNAL_ERROR' | 'NOT_WAITING'): Answer => ({ ok: false, code, message: '' });

describe('"Match anyone now" (web/src/widen-request.ts)', () => {
  it('a late answer for an earlier wait does not widen the new wait, whose own press still asks', async () => {
    const { fake, request, reported } = widenRequest();
    request.press();
    // The wait ends and a new one begins before the answer comes.
    request.reset();
    request.press();
    expect(fake.sent).toBe(2);
    await fake.answer(0, widened);
    expect(reported.widened).toBe(0);
    await fake.answer(1, widened);
    expect(reported.widened).toBe(1);
  });

  it('a refusal for an earlier wait is not said for the new one', async () => {
    const { fake, request, reported } = widenRequest();
    request.press();
    request.reset();
    await fake.answer(0, refused('INTERNAL_ERROR'));
    expect(reported.refused).toEqual([]);
  });

  it('a second press while the answer is awaited sends nothing; once answered, the button asks again', async () => {
    const { fake, request, reported } = widenRequest();
    request.press();
    request.press();
    expect(fake.sent).toBe(1);
    await fake.answer(0, refused('NOT_WAITING'));
    expect(reported.refused).toEqual(['NOT_WAITING']);
    request.press();
    expect(fake.sent).toBe(2);
    await fake.answer(1, widened);
    expect(reported.widened).toBe(1);
  });
});
