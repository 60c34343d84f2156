/**
 * Type-level checks (run by `tsc --noEmit`, which `npm test` runs first): a socket handler's result is
 * the ack the protocol declares for its event, so a handler answering something else does not compile.
 * The `@ts-expect-error` lines fail the type check if the error they expect ever goes away.
 */
import { z } from 'zod';
import { describe, expectTypeOf, it } from 'vitest';
import { eventListener, type ResultOf } from '../../src/realtime/handler.js';
import type { BlockResult, JoinQueueResult, SendMessageResult } from '../../src/shared/protocol.js';

const context = { logger: undefined as never, events: { answered: () => undefined } };
const empty = z.null();

describe('socket handlers are typed by ClientToServerEvents', () => {
  it('reads each event’s ack result from the protocol', () => {
    expectTypeOf<ResultOf<'send_message'>>().toEqualTypeOf<SendMessageResult>();
    expectTypeOf<ResultOf<'join_queue'>>().toEqualTypeOf<JoinQueueResult>();
    expectTypeOf<ResultOf<'block'>>().toEqualTypeOf<BlockResult>();
  });

  it('accepts a handler answering its event’s ack, and refuses one answering another’s or a wrong field', () => {
    eventListener(context, 'block', empty, async () => ({ blocked: true as const }));
    // @ts-expect-error — `report` answers {report_id}, not {blocked}
    eventListener(context, 'report', empty, async () => ({ blocked: true as const }));
    // @ts-expect-error — `report_id` is a number
    eventListener(context, 'report', empty, async () => ({ report_id: 'r1' }));
    // @ts-expect-error — not an event of the protocol
    eventListener(context, 'no_such_event', empty, async () => ({}));
  });
});
