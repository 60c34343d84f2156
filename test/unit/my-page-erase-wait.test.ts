/**
 * /my's Erase button and the title of a conversation, without a DOM (web/src/my/erase-wait.ts,
 * chat-when.ts): while the transcript says the partner may still report the chat the button is disabled,
 * with a hint saying until when, and it enables by itself once that time has passed on the page's clock;
 * showing another conversation cancels the wait of the one before; an open report disables it with no
 * time; nothing left to erase says so. A conversation is named by when it began, never by its room's number.
 */
import { describe, expect, it } from 'vitest';
import type { Transcript } from '../../src/privacy/transcript.js';
import { chatWhen } from '../../web/src/my/chat-when.js';
import { createEraseWait, type WaitClock } from '../../web/src/my/erase-wait.js';
import { myTexts } from '../../web/src/my/texts.js';
import { setLang } from '../../web/shared/translator.js';

const ENDED = '2026-06-05T14:02:31+08:00';
const ERASABLE = '2026-06-05T14:05:01+08:00';
const ERASABLE_MS = Date.parse(ERASABLE);

function transcript(fields: Partial<Transcript> = {}): Transcript {
  return {
    room_id: 20,
    code: 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG',
    timezone: 'Asia/Shanghai',
    started_at: '2026-06-05T14:01:07+08:00',
    ended_at: ENDED,
    erase_blocked: null,
    erasable_at: null,
    messages: [
      { id: 1, from: 'me', time: ENDED, text: 'hi' },
      { id: 2, from: 'partner', time: ENDED, text: 'hello' },
    ],
    ...fields,
  };
}

const inWindow = (fields: Partial<Transcript> = {}) => transcript({ erase_blocked: 'report_window', erasable_at: ERASABLE, ...fields });

/** A clock the test moves, whose timers run when it passes their time; `changes` counts the wait's callbacks. */
function waitOn(startMs: number) {
  let nowMs = startMs;
  let timers: { at: number; fn: () => void }[] = [];
  const clock: WaitClock = {
    now: () => nowMs,
    schedule(delayMs, fn) {
      const timer = { at: nowMs + delayMs, fn };
      timers.push(timer);
      return () => {
        timers = timers.filter((t) => t !== timer);
      };
    },
  };
  const counted = { changes: 0 };
  const wait = createEraseWait(clock, () => counted.changes++);
  return {
    wait,
    counted,
    pending: () => timers.map((t) => t.at - nowMs),
    advanceTo(ms: number) {
      nowMs = ms;
      const due = timers.filter((t) => t.at <= ms);
      timers = timers.filter((t) => t.at > ms);
      for (const t of due) t.fn();
    },
  };
}

describe('the Erase button on /my (web/src/my/erase-wait.ts)', () => {
  it('is disabled within the report window, with a hint saying until when, and enables by itself when it has passed', () => {
    const w = waitOn(ERASABLE_MS - 150_000);
    expect(w.wait.button(inWindow(), false)).toEqual({ enabled: false, hint: { key: 'eraseWaitUntil', params: { time: '14:05:01' } } });
    expect(w.pending()).toEqual([150_000]);
    w.advanceTo(ERASABLE_MS - 1);
    expect(w.counted.changes).toBe(0);
    w.advanceTo(ERASABLE_MS);
    expect(w.counted.changes).toBe(1);
    // The page renders again: the same transcript now gives an enabled button, and no timer is left.
    expect(w.wait.button(inWindow(), false)).toEqual({ enabled: true });
    expect(w.pending()).toEqual([]);
  });

  it('a timer that fires early (another clock) just waits again', () => {
    const w = waitOn(ERASABLE_MS - 10_000);
    w.wait.button(inWindow(), false);
    w.advanceTo(ERASABLE_MS - 10_000);
    expect(w.wait.button(inWindow(), false).enabled).toBe(false);
    expect(w.pending()).toEqual([10_000]);
  });

  it('showing another conversation cancels the wait of the one before: it never calls back', () => {
    const w = waitOn(ERASABLE_MS - 60_000);
    w.wait.button(inWindow(), false);
    expect(w.wait.button(transcript({ code: 'HHHH-JJJJ-KKKK-MMMM-NNNN-PPPP-QQQQ' }), false)).toEqual({ enabled: true });
    expect(w.pending()).toEqual([]);
    w.advanceTo(ERASABLE_MS);
    expect(w.counted.changes).toBe(0);
  });

  it('rendering the same conversation again (a language switch) keeps one timer, not two; stop cancels it', () => {
    const w = waitOn(ERASABLE_MS - 60_000);
    w.wait.button(inWindow(), false);
    w.wait.button(inWindow(), false);
    expect(w.pending()).toEqual([60_000]);
    w.wait.stop();
    expect(w.pending()).toEqual([]);
  });

  it('is enabled when the time has passed on the page’s clock: the server decides then, and says why if it refuses', () => {
    const w = waitOn(ERASABLE_MS + 1);
    expect(w.wait.button(inWindow(), false)).toEqual({ enabled: true });
    expect(w.wait.button(inWindow({ erasable_at: null }), false)).toEqual({ enabled: true });
    expect(w.pending()).toEqual([]);
  });

  it('an open report disables it with no time; a chat not ended, nothing left to erase and an erasure under way too', () => {
    const w = waitOn(ERASABLE_MS - 60_000);
    expect(w.wait.button(transcript({ erase_blocked: 'report_open' }), false)).toEqual({ enabled: false, hint: { key: 'eraseUnderReview' } });
    expect(w.wait.button(transcript({ erase_blocked: 'active', ended_at: null }), false)).toEqual({ enabled: false, hint: { key: 'eraseActive' } });
    const erased = transcript({ messages: [{ id: 1, from: 'me', time: ENDED, erased_at: ENDED, erased_by: 'sender' }] });
    expect(w.wait.button({ ...erased, erase_blocked: 'report_window', erasable_at: ERASABLE }, false)).toEqual({ enabled: false, hint: { key: 'nothingToErase' } });
    expect(w.wait.button(inWindow(), true)).toEqual({ enabled: false });
    expect(w.wait.button(transcript(), false)).toEqual({ enabled: true });
    expect(w.pending()).toEqual([]);
  });

  it('its hints say until when in both languages', () => {
    const { t } = myTexts;
    expect(t('eraseWaitUntil', { time: '14:05:01' })).toBe('对方在 14:05:01 前仍可举报这次聊天，之后才能删除你的消息');
    expect(t('eraseUnderReview')).toBe('这次聊天有举报正在处理，处理完成后才能删除你的消息');
    setLang('en');
    try {
      expect(t('eraseWaitUntil', { time: '14:05:01' })).toBe('Your partner can report this chat until 14:05:01; you can erase your messages after that.');
      expect(t('eraseUnderReview')).toBe('A report on this chat is under review; you can erase your messages once it is settled.');
    } finally {
      setLang('zh-CN');
    }
  });
});

describe('a conversation’s name on /my (web/src/my/chat-when.ts)', () => {
  it('is when it began, in the chat’s zone as written, in both languages; never the room’s number', () => {
    const started = '2026-06-05T14:02:07+08:00';
    expect(chatWhen(started, 'zh-CN')).toBe('6 月 5 日 14:02');
    expect(chatWhen(started, 'en')).toBe('5 June, 14:02');
    expect(chatWhen('2026-12-31T23:59:59-05:00', 'en')).toBe('31 December, 23:59');
    expect(myTexts.t('conversationTitle', { when: chatWhen(started, 'zh-CN') })).toBe('6 月 5 日 14:02 的聊天');
    expect(myTexts.t('confirmTitle', { when: chatWhen(started, 'zh-CN') })).toBe('删除你在 6 月 5 日 14:02 的聊天中发的所有消息？');
    setLang('en');
    try {
      expect(myTexts.t('conversationTitle', { when: chatWhen(started, 'en') })).toBe('Chat of 5 June, 14:02');
    } finally {
      setLang('zh-CN');
    }
  });
});
