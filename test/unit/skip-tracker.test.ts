/**
 * The skip tracker: quick skips in a row bring a growing pause; a run is forgotten after a while — and so
 * is its memory (it grew with every identity that ever skipped).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SKIP_RULES, SkipTracker } from '../../src/chat/skip-tracker.js';
import { ManualClock } from '../helpers/clock.js';

describe('the skip tracker', () => {
  it('pauses the fourth quick skip in a row and doubles the pause after, up to the most', () => {
    const clock = new ManualClock();
    const skips = new SkipTracker(clock);
    for (let i = 0; i < DEFAULT_SKIP_RULES.freeSkips; i++) skips.left('u', 1_000);
    expect(skips.waitMs('u')).toBe(0);
    skips.left('u', 1_000);
    expect(skips.waitMs('u')).toBe(DEFAULT_SKIP_RULES.firstPauseMs);
    skips.left('u', 1_000);
    expect(skips.waitMs('u')).toBe(2 * DEFAULT_SKIP_RULES.firstPauseMs);
    // A chat that lasted ends the run.
    skips.left('u', DEFAULT_SKIP_RULES.quickChatMs);
    expect(skips.waitMs('u')).toBe(0);
  });

  it('keeps in memory only the runs of the last forgetMs, however many identities ever skipped', () => {
    const clock = new ManualClock();
    const skips = new SkipTracker(clock);
    for (let i = 0; i < 1_000; i++) skips.left(`once-${i}`, 1_000);
    expect(skips.size).toBe(1_000);
    clock.advance(DEFAULT_SKIP_RULES.forgetMs + 1);
    // The next skip by anyone drops the forgotten runs; a recent one stays.
    skips.left('recent', 1_000);
    expect(skips.size).toBe(1);
    // A person skipping again moves to the back: not dropped while others' older runs go.
    clock.advance(DEFAULT_SKIP_RULES.forgetMs / 2);
    skips.left('other', 1_000);
    skips.left('recent', 1_000);
    clock.advance(DEFAULT_SKIP_RULES.forgetMs / 2 + 1);
    skips.left('third', 1_000);
    expect(skips.size).toBe(3);
  });
});
