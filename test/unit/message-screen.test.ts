/**
 * The message screen over the real content policy (the default list, written in Simplified Chinese), with
 * a review queue and moderation that record what they are handed: a message written in Traditional Chinese
 * is refused, masked or answered with crisis help as its Simplified spelling would be, and what is kept for
 * review or delivered is the message as its sender wrote it.
 */
import { describe, expect, it, vi } from 'vitest';
import type { ModerationService } from '../../src/moderation/moderation-service.js';
import { DEFAULT_HOTLINES } from '../../src/policy/crisis.js';
import { ContentPolicy } from '../../src/policy/content-policy.js';
import { MessageScreen } from '../../src/policy/message-screen.js';
import { DEFAULT_POLICY } from '../../src/policy/policy-document.js';
import type { PolicyService } from '../../src/policy/policy-service.js';
import type { ReviewQueue } from '../../src/policy/review-queue.js';
import { MemoryTtlStore } from '../../src/door/ttl-store.js';
import { ManualClock } from '../helpers/clock.js';
import { silentLogger } from '../helpers/database.js';

function screenOf(fail: { hold?: boolean; flag?: boolean } = {}) {
  const clock = new ManualClock();
  const content = new ContentPolicy({ repeatRooms: 3, repeatWindowMs: 600_000, now: () => clock.now().getTime() });
  content.load(DEFAULT_POLICY);
  // The policy service's answers are its content policy's (it adds storage and reloads, not needed here).
  const policy = { evaluate: content.evaluate.bind(content), crisisIn: content.crisisIn.bind(content) } as unknown as PolicyService;
  const held: string[] = [];
  const strikes: string[] = [];
  /** Each strike as handed over: who, the report it names, the message. */
  const struck: [string, number | null, number | null][] = [];
  const review = {
    hold: async (entry: { content: string }) => {
      if (fail.hold) throw new Error('database away');
      return held.push(entry.content);
    },
    flag: async () => {
      if (fail.flag) throw new Error('database away');
      return { filed: true, reportId: 7 };
    },
  } as unknown as ReviewQueue;
  const moderation = {
    strike: async (userId: string, _source: string, reportId: number | null = null, messageId: number | null = null) => {
      strikes.push(userId);
      struck.push([userId, reportId, messageId]);
    },
  } as unknown as ModerationService;
  const screen = new MessageScreen({ policy, moderation, review, hotlines: DEFAULT_HOTLINES, ttlStore: new MemoryTtlStore(clock), clock, logger: silentLogger });
  return { screen, held, strikes, struck };
}

const sender = { userId: 'u1', lang: 'zh-CN' as const };

describe('message screen: Traditional Chinese', () => {
  it('refuses a Traditional spelling of a blocked Simplified term, and keeps it for review as written', async () => {
    const { screen, held, strikes } = screenOf();
    const screened = screen.check(sender, 1, '約炮嗎？', false, 'c1');
    expect(screened.refused).toBe(true);
    expect(screened.flags).toContain('term');
    await vi.waitFor(() => expect(held).toEqual(['約炮嗎？']));
    await vi.waitFor(() => expect(strikes).toEqual(['u1']));
  });

  it('delivers the message with the Traditional insult masked in place and tells the sender', () => {
    const { screen } = screenOf();
    const screened = screen.check(sender, 1, '你這個操你媽的，說話啊', false);
    expect(screened.refused).toBe(false);
    expect(screened.content).toBe('你這個***的，說話啊');
    expect(screened.notices.map((notice) => notice.kind)).toEqual(['content']);
  });

  it('offers crisis help for words of crisis in Traditional Chinese, also to a sender it cannot screen', () => {
    const { screen } = screenOf();
    const screened = screen.check(sender, 1, '我真的想自殺', false);
    expect(screened.refused).toBe(false);
    expect(screened.notices).toEqual([expect.objectContaining({ kind: 'crisis', hotlines: DEFAULT_HOTLINES['zh-CN'] })]);
    expect(screen.crisisHelp('zh-CN', '我想自殺')?.kind).toBe('crisis');
  });
});

describe('message screen: what a strike names', () => {
  it('a stored message the policy strikes is struck naming its report and itself', async () => {
    const { screen, struck } = screenOf();
    const screened = screen.check(sender, 1, '你个傻 逼吧', false);
    expect(screened.refused).toBe(false);
    screen.stored(sender.userId, 1, 42, screened);
    await vi.waitFor(() => expect(struck).toEqual([['u1', 7, 42]]));
  });

  it('a stored message whose report could not be filed is struck all the same, naming itself', async () => {
    const { screen, struck } = screenOf({ flag: true });
    screen.stored(sender.userId, 1, 42, screen.check(sender, 1, '你个傻 逼吧', false));
    await vi.waitFor(() => expect(struck).toEqual([['u1', null, 42]]));
  });

  it('a refused message is struck naming the report it was kept in, and no message (it is not stored)', async () => {
    const { screen, struck } = screenOf();
    expect(screen.check(sender, 1, '约炮吗', false, 'c1').refused).toBe(true);
    await vi.waitFor(() => expect(struck).toEqual([['u1', 7, null]]));
  });

  it('a refused message that could not be kept or queued for review is struck all the same, naming no report', async () => {
    for (const fail of [{ hold: true }, { flag: true }]) {
      const { screen, struck } = screenOf(fail);
      expect(screen.check(sender, 1, '约炮吗', false, 'c1').refused).toBe(true);
      await vi.waitFor(() => expect(struck).toEqual([['u1', null, null]]));
    }
  });
});
