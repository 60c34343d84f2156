/**
 * A batch whose commit went through but whose answer was lost (pg's query timeout firing at commit, a
 * connection reset after it): its senders are answered STORAGE_UNAVAILABLE and resend with the same cid.
 * The resend finds the message stored; its first copy reached nobody, so this time it is delivered — once.
 * (Real server and sockets; the repository commits and then throws, once.)
 */
import { describe, expect, it } from 'vitest';
import { SqlChatRepository, type AppendOutcome, type NewMessage } from '../../src/storage/chat-repository.js';
import { eventually, matchedPair, received, request } from '../helpers/client.js';
import { serverSuite } from '../helpers/suite.js';

/** Commits, then loses the answer — as many times as asked; or fails before writing anything. */
class AnswerLostRepository extends SqlChatRepository {
  loseAnswers = 0;
  failBeforeWriting = 0;
  override async appendMessages(batch: readonly NewMessage[]): Promise<AppendOutcome[]> {
    if (this.failBeforeWriting > 0) {
      this.failBeforeWriting--;
      throw new Error('Connection terminated unexpectedly');
    }
    const outcomes = await super.appendMessages(batch);
    if (this.loseAnswers > 0) {
      this.loseAnswers--;
      throw new Error('Query read timeout');
    }
    return outcomes;
  }
}

let repository: AnswerLostRepository | undefined;
const suite = serverSuite({ deps: (database) => ({ repository: (repository = new AnswerLostRepository(database)) }) });

describe('a message stored although its sender was told it failed', () => {
  it('reaches the partner when its sender resends it, once; an ordinary resend is not delivered again', async () => {
    const { a, b } = await matchedPair(suite.url);
    suite.track(a, b);
    const atB = received(b, 'new_message');

    repository!.loseAnswers = 1;
    expect(await request(a, 'send_message', { content: 'stored, answer lost', cid: 'lost-1' })).toMatchObject({ ok: false, code: 'STORAGE_UNAVAILABLE' });
    const resent = await request<{ ok: boolean; message: { id: number } }>(a, 'send_message', { content: 'stored, answer lost', cid: 'lost-1' });
    expect(resent.ok).toBe(true);
    // Before, the resend was acked as the stored copy and the partner never got it (until a reload).
    await eventually(() => expect(atB.map((m) => m.content)).toEqual(['stored, answer lost']));

    // A second resend (its ack lost too) is an ordinary repeat: acked, not delivered again.
    await request(a, 'send_message', { content: 'stored, answer lost', cid: 'lost-1' });
    // An ordinary message and its resend: delivered once.
    await request(a, 'send_message', { content: 'plain', cid: 'plain-1' });
    await request(a, 'send_message', { content: 'plain', cid: 'plain-1' });
    await eventually(() => expect(atB.map((m) => m.content)).toEqual(['stored, answer lost', 'plain']));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(atB.map((m) => m.id)).toEqual([resent.message.id, expect.any(Number)]);
  });

  it('a message delivered, then retried into a failure, then sent again is not delivered twice', async () => {
    const { a, b } = await matchedPair(suite.url);
    suite.track(a, b);
    const atB = received(b, 'new_message');
    // Stored and delivered; say its ack was lost, so the page retries — and that retry fails.
    await request(a, 'send_message', { content: 'delivered once', cid: 'once-1' });
    repository!.failBeforeWriting = 1;
    expect(await request(a, 'send_message', { content: 'delivered once', cid: 'once-1' })).toMatchObject({ ok: false, code: 'STORAGE_UNAVAILABLE' });
    // Sent again: the copy found stored is the first one's, which was delivered.
    expect(await request(a, 'send_message', { content: 'delivered once', cid: 'once-1' })).toMatchObject({ ok: true });
    await request(a, 'send_message', { content: 'after', cid: 'once-2' });
    await eventually(() => expect(atB.map((m) => m.content)).toEqual(['delivered once', 'after']));
  });
});
