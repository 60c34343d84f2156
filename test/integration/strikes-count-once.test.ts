/**
 * One conduct counts once towards a person's strikes: the content policy's strike of a message and an admin
 * upholding a report that names it (or the conduct the policy reported), in either order, on one instance or
 * on two at once (the second strike held after reading, test/helpers/interleave.ts) — and what still counts
 * anew: another message, the conduct as a whole, a policy strike past the window. The rules are one SQL
 * statement under the person's strike lock (`ALREADY_COUNTED`, src/moderation/sanction-repository.ts).
 * Over each database engine, with the service built as the app builds it (minus the app).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModerationService } from '../../src/moderation/moderation-service.js';
import { ReportRepository } from '../../src/moderation/report-repository.js';
import { SanctionRepository } from '../../src/moderation/sanction-repository.js';
import { SYSTEM_REPORTER } from '../../src/policy/review-queue.js';
import { SqlChatRepository } from '../../src/storage/chat-repository.js';
import { ENGINES } from '../admin/engines.js';
import { newUserId } from '../admin/safety-helpers.js';
import { ManualClock } from '../helpers/clock.js';
import { openTestDatabase } from '../helpers/database.js';
import { heldAfterReading } from '../helpers/interleave.js';
import { moderationInstance, RACE_STRIKES } from '../helpers/moderation-instance.js';

describe.each(ENGINES)('strikes: one conduct counts once (%s)', (engine) => {
  let opened: Awaited<ReturnType<typeof openTestDatabase>>;
  const clock = new ManualClock();

  beforeAll(async () => {
    opened = await openTestDatabase(engine);
  });
  afterAll(async () => {
    await opened.drop();
  });

  const instance = (own: ManualClock = clock) => moderationInstance(opened.database, own);

  /** A report on a new chat of two new people: its id, and the person it names. */
  async function someReport(moderation: ModerationService, prefix: string): Promise<{ reportId: number; reported: string }> {
    const [reporter, reported] = [newUserId(`${prefix}r`), newUserId(`${prefix}d`)];
    const room = await new SqlChatRepository(opened.database).createRoom({ user1Id: reporter, user2Id: reported, matchType: 'random', createdAt: clock.now() });
    return { reportId: (await moderation.report(reporter, { reason: 'harassment', room_id: room.id })).id, reported };
  }
  const strikesOf = async (userId: string) =>
    opened.database.query<{ source: string }>('SELECT source FROM strikes WHERE user_id = $1 ORDER BY id', [userId]);

  it('one conduct counts once: the content policy’s strikes for a report’s messages and an admin upholding it', async () => {
    const { moderation, stop } = await instance();
    // Struck by the policy for two messages of the report, then upheld: no third strike.
    const caught = await someReport(moderation, 'oc1');
    await moderation.strike(caught.reported, 'policy', caught.reportId);
    await moderation.strike(caught.reported, 'policy', caught.reportId);
    await moderation.resolve(caught.reportId, { action: 'warn', scope: 'identity' }, 'admin');
    expect(await strikesOf(caught.reported)).toEqual([{ source: 'policy' }, { source: 'policy' }]);
    // A report of nothing the policy struck (crisis words, a person's report): upholding it is a strike.
    const other = await someReport(moderation, 'oc2');
    await moderation.resolve(other.reportId, { action: 'warn', scope: 'identity' }, 'admin');
    expect(await strikesOf(other.reported)).toEqual([{ source: 'report' }]);
    stop();
  });

  it('a policy strike and the upholding of its report at once, on two instances, count one strike', async () => {
    const { moderation, stop } = await instance();
    const { reportId, reported } = await someReport(moderation, 'ocr');
    // Each strike waits after looking for the other's until both have looked (or 300 ms: under the lock,
    // the second cannot look before the first commits). Looked at outside the lock, both would count.
    const slow = heldAfterReading(opened.database, /WITH counting AS/);
    const [one, two] = [new SanctionRepository(slow), new SanctionRepository(slow)];
    const strike = (repository: SanctionRepository, source: 'policy' | 'report') =>
      repository.strike({ userId: reported, source, reportId, messageId: null, at: clock.now(), countSince: new Date(0) }, () => undefined);
    const [policy, upheld] = await Promise.all([strike(one, 'policy'), strike(two, 'report')]);
    expect([policy.counted, upheld.counted].sort()).toEqual([false, true]);
    expect(await strikesOf(reported)).toHaveLength(1);
    stop();
  });

  /** A chat of two new people in which the second sent `count` messages: their ids, and the two. */
  async function chatWithMessages(prefix: string, count: number) {
    const [reporter, reported] = [newUserId(`${prefix}r`), newUserId(`${prefix}d`)];
    const chats = new SqlChatRepository(opened.database);
    const room = await chats.createRoom({ user1Id: reporter, user2Id: reported, matchType: 'random', createdAt: clock.now() });
    const sent = await chats.appendMessages(
      Array.from({ length: count }, (_, n) => ({ roomId: room.id, senderId: reported, content: `line ${n}`, createdAt: clock.now() })),
    );
    const ids = sent.map((outcome) => (outcome.status === 'stored' ? outcome.message.id : Number.NaN));
    const [own] = await chats.appendMessages([{ roomId: room.id, senderId: reporter, content: 'the reporter’s own line', createdAt: clock.now() }]);
    return { reporter, reported, roomId: room.id, ids, reporterMessage: own?.status === 'stored' ? own.message.id : Number.NaN };
  }

  it('one conduct counts once, by message: a person’s report of only struck messages, or of messages an upheld report named, counts none', async () => {
    const { moderation, stop } = await instance();
    const uphold = (id: number) => moderation.resolve(id, { action: 'warn', scope: 'identity' }, 'admin');
    const { reporter, reported, roomId, ids, reporterMessage } = await chatWithMessages('om', 3);
    const [struck, plain, last] = ids as [number, number, number];
    await moderation.strike(reported, 'policy', null, struck);
    // Naming only the struck message: no second strike.
    const first = await moderation.report(reporter, { reason: 'harassment', room_id: roomId, message_ids: [struck] });
    await uphold(first.id);
    expect(await strikesOf(reported)).toEqual([{ source: 'policy' }]);
    // Naming it and another: the other is new conduct.
    const second = await moderation.report(reporter, { reason: 'harassment', room_id: roomId, message_ids: [struck, plain] });
    await uphold(second.id);
    expect(await strikesOf(reported)).toEqual([{ source: 'policy' }, { source: 'report' }]);
    // Again those two (a report decided stands for every message it names), then the conduct as a whole.
    const third = await moderation.report(reporter, { reason: 'spam', room_id: roomId, message_ids: [plain, struck] });
    await uphold(third.id);
    expect(await strikesOf(reported)).toHaveLength(2);
    const whole = await moderation.report(reporter, { reason: 'spam', room_id: roomId });
    await uphold(whole.id);
    expect(await strikesOf(reported)).toHaveLength(3);
    // The reporter's own line is not the reported person's conduct: ticking it too makes nothing new.
    const withOwn = await moderation.report(reporter, { reason: 'spam', room_id: roomId, message_ids: [struck, reporterMessage] });
    await uphold(withOwn.id);
    expect(await strikesOf(reported)).toHaveLength(3);
    // A policy strike of a message an upheld report named (the other order) is not counted either; of another, it is.
    await moderation.strike(reported, 'policy', null, plain);
    expect(await strikesOf(reported)).toHaveLength(3);
    await moderation.strike(reported, 'policy', null, last);
    expect(await strikesOf(reported)).toHaveLength(4);
    stop();
  });

  it('the content policy’s report of a message it struck and one it only flagged: upholding it counts the flagged one, once', async () => {
    const { moderation, stop } = await instance();
    const uphold = (id: number) => moderation.resolve(id, { action: 'warn', scope: 'identity' }, 'admin');
    const { reporter, reported, roomId, ids } = await chatWithMessages('of', 2);
    const [struck, flagged] = ids as [number, number];
    const { report } = await new ReportRepository(opened.database).upsert({
      roomId,
      reporterId: SYSTEM_REPORTER,
      reportedId: reported,
      reason: 'spam',
      note: null,
      messageIds: [struck, flagged],
      priority: 0,
      at: clock.now(),
    });
    await moderation.strike(reported, 'policy', report.id, struck);
    await uphold(report.id);
    expect(await strikesOf(reported)).toEqual([{ source: 'policy' }, { source: 'report' }]);
    // The partner's report of the flagged line, decided after: that line counts already.
    const partners = await moderation.report(reporter, { reason: 'spam', room_id: roomId, message_ids: [flagged] });
    await uphold(partners.id);
    expect(await strikesOf(reported)).toHaveLength(2);
    stop();
  });

  it('a message’s policy strike that no longer counts does not stand for a report of it decided later', async () => {
    const later = new ManualClock();
    const { moderation, stop } = await instance(later);
    const { reporter, reported, roomId, ids } = await chatWithMessages('ox', 1);
    await moderation.strike(reported, 'policy', null, ids[0]!);
    const report = await moderation.report(reporter, { reason: 'harassment', room_id: roomId, message_ids: ids });
    later.advance((RACE_STRIKES.windowDays + 1) * 86_400_000);
    await moderation.resolve(report.id, { action: 'warn', scope: 'identity' }, 'admin');
    expect(await strikesOf(reported)).toEqual([{ source: 'policy' }, { source: 'report' }]);
    stop();
  });

  it('a message’s policy strike and the upholding of a person’s report of it at once, on two instances, count one strike', async () => {
    const { moderation, stop } = await instance();
    const { reporter, reported, roomId, ids } = await chatWithMessages('omr', 1);
    const report = await moderation.report(reporter, { reason: 'harassment', room_id: roomId, message_ids: ids });
    const slow = heldAfterReading(opened.database, /WITH counting AS/);
    const [one, two] = [new SanctionRepository(slow), new SanctionRepository(slow)];
    const strike = (repository: SanctionRepository, source: 'policy' | 'report', reportId: number | null, messageId: number | null) =>
      repository.strike({ userId: reported, source, reportId, messageId, at: clock.now(), countSince: new Date(0) }, () => undefined);
    const [policy, upheld] = await Promise.all([strike(one, 'policy', null, ids[0]!), strike(two, 'report', report.id, null)]);
    expect([policy.counted, upheld.counted].sort()).toEqual([false, true]);
    expect(await strikesOf(reported)).toHaveLength(1);
    stop();
  });
});
