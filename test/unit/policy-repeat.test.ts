/**
 * Copy-paste spam: the same text into `repeatRooms` chats within the window is spam, and a strike when it
 * becomes spam — not again for every chat or message after, but again for each further window it goes on.
 */
import { describe, expect, it } from 'vitest';
import { ContentPolicy } from '../../src/policy/content-policy.js';
import { DEFAULT_POLICY } from '../../src/policy/policy-document.js';
import { RepeatTracker } from '../../src/policy/repeat-tracker.js';

const OPENER = 'Hey there, I am new here, where are you from?';

describe('copy-paste spam', () => {
  it('an opener pasted into chats 1 to 5 within the window is one strike, at chat 3; chats 3 to 5 are flagged as spam', () => {
    let nowMs = 0;
    const policy = new ContentPolicy({ repeatRooms: 3, repeatWindowMs: 600_000, now: () => nowMs });
    policy.load(DEFAULT_POLICY);
    const verdicts = [1, 2, 3, 4, 5].map((roomId) => {
      nowMs += 60_000;
      return policy.evaluate(OPENER, { senderId: 'a', roomId });
    });
    expect(verdicts.map((v) => v.strike)).toEqual([false, false, true, false, false]);
    expect(verdicts.map((v) => v.flags.includes('spam'))).toEqual([false, false, true, true, true]);
    expect(verdicts.map((v) => v.action)).toEqual(['allow', 'allow', 'flag', 'flag', 'flag']);
  });

  it('sending it again in the chat where it became spam is flagged, with no new strike', () => {
    const policy = new ContentPolicy({ repeatRooms: 3, repeatWindowMs: 600_000, now: () => 0 });
    policy.load(DEFAULT_POLICY);
    for (const roomId of [1, 2]) policy.evaluate(OPENER, { senderId: 'a', roomId });
    expect(policy.evaluate(OPENER, { senderId: 'a', roomId: 3 })).toMatchObject({ action: 'flag', strike: true });
    expect(policy.evaluate(OPENER, { senderId: 'a', roomId: 3 })).toMatchObject({ action: 'flag', strike: false, flags: ['spam'] });
  });

  it('a masked term in a repeated message is still a strike each time', () => {
    const policy = new ContentPolicy({ repeatRooms: 2, repeatWindowMs: 600_000, now: () => 0 });
    policy.load(DEFAULT_POLICY);
    const text = 'fuck you, I am so bored tonight';
    expect([1, 2, 3].map((roomId) => policy.evaluate(text, { senderId: 'a', roomId }).strike)).toEqual([true, true, true]);
  });

  it('a flagged term in a repeated message is no strike by itself: the copy that makes it spam is', () => {
    const policy = new ContentPolicy({ repeatRooms: 2, repeatWindowMs: 600_000, now: () => 0 });
    policy.load(DEFAULT_POLICY);
    const text = 'add me on snapchat, I am so bored tonight';
    expect([1, 2, 3].map((roomId) => policy.evaluate(text, { senderId: 'a', roomId }).strike)).toEqual([false, true, false]);
  });

  it('a text that went quiet for a whole window starts over: crossing again is a strike again', () => {
    let nowMs = 0;
    const tracker = new RepeatTracker({ repeatRooms: 2, repeatWindowMs: 1_000, now: () => nowMs });
    const text = 'thesamelongtextagain';
    expect([1, 2, 3].map((room) => tracker.seen('a', text, room))).toEqual(['none', 'crossed', 'again']);
    nowMs += 1_001;
    expect([4, 5].map((room) => tracker.seen('a', text, room))).toEqual(['none', 'crossed']);
  });

  it('a spammer who never stops is struck again once a window, not once for good', () => {
    let nowMs = 0;
    const policy = new ContentPolicy({ repeatRooms: 3, repeatWindowMs: 600_000, now: () => nowMs });
    policy.load(DEFAULT_POLICY);
    const struckAt: number[] = [];
    // A new chat every minute for 15 minutes: two windows of pasting, with no quiet window between.
    for (let roomId = 1; roomId <= 15; roomId++) {
      if (policy.evaluate(OPENER, { senderId: 'a', roomId }).strike) struckAt.push(roomId);
      nowMs += 60_000;
    }
    expect(struckAt).toEqual([3, 14]);
  });

  it('after a strike, going on in the same chat is no new strike: the chats are counted afresh from it', () => {
    let nowMs = 0;
    const tracker = new RepeatTracker({ repeatRooms: 3, repeatWindowMs: 1_000, now: () => nowMs });
    const text = 'thesamelongtextagain';
    expect([1, 2, 3].map((room) => tracker.seen('a', text, room))).toEqual(['none', 'none', 'crossed']);
    // More than a window after the strike, but in chat 3 (the strike's) and one other only: still once.
    const later = [3, 3, 4].map((room) => {
      nowMs += 900;
      return tracker.seen('a', text, room);
    });
    expect(later).toEqual(['again', 'again', 'again']);
    nowMs += 900;
    expect(tracker.seen('a', text, 5)).toBe('crossed');
  });

  it('other senders and short texts are not counted together', () => {
    const tracker = new RepeatTracker({ repeatRooms: 2, repeatWindowMs: 1_000, now: () => 0 });
    expect(tracker.seen('a', 'thesamelongtextagain', 1)).toBe('none');
    expect(tracker.seen('b', 'thesamelongtextagain', 2)).toBe('none');
    expect([1, 2, 3].map((room) => tracker.seen('a', 'hello', room))).toEqual(['none', 'none', 'none']);
  });
});
