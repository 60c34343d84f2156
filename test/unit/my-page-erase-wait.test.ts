/**
 * /my's Erase button and the names of conversations, without a DOM (web/src/my/erase-wait.ts,
 * chat-when.ts, recent-chats.ts): while the transcript says the partner may still report the chat the
 * button is disabled, with a hint saying until when, and it enables by itself once `erasable_in_ms` has
 * passed since the answer arrived — whatever the browser's clock says; a timer that comes early waits
 * again; showing another conversation cancels the wait of the one before; an open report disables it with
 * no time; a chat not ended is read again until it has, only while the page is seen (a reading missed
 * meanwhile comes as it is seen again); nothing left to erase says so. A conversation is
 * named by when it began, to the second, never by its room's number — in the recent chats list too.
 */
import { describe, expect, it } from 'vitest';
import type { Transcript } from '../../src/privacy/transcript.js';
import type { MyChat } from '../../src/shared/protocol.js';
import { chatWhen } from '../../web/src/my/chat-when.js';
import { ACTIVE_RECHECK_MS, createEraseWait, type EraseButton, type PageVisibility, type WaitClock } from '../../web/src/my/erase-wait.js';
import { recentChatWhen } from '../../web/src/my/recent-chats.js';
import { myTexts } from '../../web/src/my/texts.js';
import { setLang } from '../../web/shared/translator.js';

const ENDED = '2026-06-05T14:02:31+08:00';
const ERASABLE = '2026-06-05T14:05:01+08:00';
const ERASABLE_MS = Date.parse(ERASABLE);
/** The report window left when the answer was sent, as the server counted it. */
const WINDOW_LEFT_MS = 150_000;
const WAIT_HINT = { enabled: false, hint: { key: 'eraseWaitUntil', params: { time: '14:05:01' } } };

function transcript(fields: Partial<Transcript> = {}): Transcript {
  return {
    room_id: 20,
    code: 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG',
    timezone: 'Asia/Shanghai',
    started_at: '2026-06-05T14:01:07+08:00',
    ended_at: ENDED,
    erase_blocked: null,
    erasable_at: null,
    erasable_in_ms: null,
    messages: [
      { id: 1, from: 'me', time: ENDED, text: 'hi' },
      { id: 2, from: 'partner', time: ENDED, text: 'hello' },
    ],
    ...fields,
  };
}

const inWindow = (fields: Partial<Transcript> = {}) => transcript({ erase_blocked: 'report_window', erasable_at: ERASABLE, erasable_in_ms: WINDOW_LEFT_MS, ...fields });

/**
 * The page's clock (monotonic: it starts anywhere) that the test moves, whose timers run when it passes
 * their time. Like the view, `due` renders the button of the conversation shown again (`shown`, `last`);
 * `stale` is counted (the page would read the conversation again). The page is seen until `hide`.
 */
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
  let seen = true;
  const seenChanged: (() => void)[] = [];
  const visibility: PageVisibility = {
    visible: () => seen,
    onChange: (fn) => seenChanged.push(fn),
  };
  /** The page is hidden or seen again, and says so (`visibilitychange`). */
  const setSeen = (value: boolean) => {
    seen = value;
    for (const fn of seenChanged) fn();
  };
  const counted = { renders: 0, stale: 0 };
  let shown: { transcript: Transcript; receivedAtMs: number } | undefined;
  let last: EraseButton | undefined;
  const wait = createEraseWait(clock, visibility, {
    due: () => {
      counted.renders++;
      if (shown) last = wait.button(shown.transcript, shown.receivedAtMs, false);
    },
    stale: () => counted.stale++,
  });
  /** Runs the timers due by now, and those their callbacks schedule for now. */
  const runDue = () => {
    for (let due = timers.filter((t) => t.at <= nowMs); due.length > 0; due = timers.filter((t) => t.at <= nowMs)) {
      timers = timers.filter((t) => !due.includes(t));
      for (const t of due) t.fn();
    }
  };
  return {
    wait,
    counted,
    /** Shows `t`, its answer having arrived at `receivedAtMs` (now by default): its button now. */
    show(t: Transcript, receivedAtMs = nowMs) {
      shown = { transcript: t, receivedAtMs };
      last = wait.button(t, receivedAtMs, false);
      return last;
    },
    /** The button as last rendered (by `show` or by a timer). */
    last: () => last,
    pending: () => timers.map((t) => t.at - nowMs),
    now: () => nowMs,
    advanceTo(ms: number) {
      nowMs = ms;
      runDue();
    },
    /** The tab goes to the background (or the screen is locked). */
    hide: () => setSeen(false),
    /** The tab is seen again. */
    reveal: () => setSeen(true),
    /** The page is hidden without having said so yet (its `visibilitychange` still to come). */
    hideQuietly: () => {
      seen = false;
    },
    /** Runs every pending timer now, before its time: a timer that comes early. */
    fireEarly() {
      const all = timers;
      timers = [];
      for (const t of all) t.fn();
    },
  };
}

describe('the Erase button on /my (web/src/my/erase-wait.ts)', () => {
  it('is disabled within the report window, with a hint saying until when, and enables by itself when it has passed', () => {
    const w = waitOn(1_000);
    expect(w.show(inWindow())).toEqual(WAIT_HINT);
    expect(w.pending()).toEqual([WINDOW_LEFT_MS]);
    w.advanceTo(1_000 + WINDOW_LEFT_MS - 1);
    expect(w.counted.renders).toBe(0);
    w.advanceTo(1_000 + WINDOW_LEFT_MS);
    // The timer rendered it again: the same transcript now gives an enabled button, and no timer is left.
    expect(w.counted.renders).toBe(1);
    expect(w.last()).toEqual({ enabled: true });
    expect(w.pending()).toEqual([]);
  });

  it('times the wait from the answer’s arrival, so a browser clock ahead of or behind the server’s changes nothing', () => {
    // A page whose clock reads an hour ahead of the server's, or an hour behind it, when the answer comes:
    // either way it waits what the server said, and the hint says the server's time.
    for (const skewMs of [3_600_000, -3_600_000]) {
      const w = waitOn(ERASABLE_MS - WINDOW_LEFT_MS + skewMs);
      expect(w.show(inWindow())).toEqual(WAIT_HINT);
      expect(w.pending()).toEqual([WINDOW_LEFT_MS]);
      w.advanceTo(w.now() + WINDOW_LEFT_MS);
      expect(w.last()).toEqual({ enabled: true });
    }
    // Rendered again 20 s after the answer came (a language switch): 20 s less to wait, not 150 s from now.
    const w = waitOn(5_000);
    w.show(inWindow(), 5_000);
    w.advanceTo(25_000);
    expect(w.show(inWindow(), 5_000)).toEqual(WAIT_HINT);
    expect(w.pending()).toEqual([WINDOW_LEFT_MS - 20_000]);
  });

  it('a timer that fires early leaves the button disabled and waits again for the rest', () => {
    const w = waitOn(1_000);
    w.show(inWindow());
    w.advanceTo(1_000 + WINDOW_LEFT_MS - 10_000);
    w.fireEarly();
    expect(w.counted.renders).toBe(1);
    expect(w.last()).toEqual(WAIT_HINT);
    expect(w.pending()).toEqual([10_000]);
    w.advanceTo(1_000 + WINDOW_LEFT_MS);
    expect(w.last()).toEqual({ enabled: true });
  });

  it('a wait longer than a browser timer takes is waited in turns, disabled until its end', () => {
    const maxDelayMs = 2 ** 31 - 1;
    const w = waitOn(0);
    const thirtyDaysMs = 30 * 86_400_000;
    w.show(inWindow({ erasable_in_ms: thirtyDaysMs }));
    expect(w.pending()).toEqual([maxDelayMs]);
    w.advanceTo(maxDelayMs);
    expect(w.last()).toEqual(WAIT_HINT);
    expect(w.pending()).toEqual([thirtyDaysMs - maxDelayMs]);
    w.advanceTo(thirtyDaysMs);
    expect(w.last()).toEqual({ enabled: true });
  });

  it('showing another conversation cancels the wait of the one before: it never calls back', () => {
    const w = waitOn(1_000);
    w.show(inWindow());
    expect(w.wait.button(transcript({ code: 'HHHH-JJJJ-KKKK-MMMM-NNNN-PPPP-QQQQ' }), 1_000, false)).toEqual({ enabled: true });
    expect(w.pending()).toEqual([]);
    w.advanceTo(1_000 + WINDOW_LEFT_MS);
    expect(w.counted.renders).toBe(0);
  });

  it('rendering the same conversation again (a language switch) keeps one timer, not two; stop cancels it', () => {
    const w = waitOn(1_000);
    w.show(inWindow());
    w.wait.button(inWindow(), 1_000, false);
    expect(w.pending()).toEqual([WINDOW_LEFT_MS]);
    w.wait.stop();
    expect(w.pending()).toEqual([]);
  });

  it('is enabled once the wait is over, or when there is none to time: the server decides then, and says why if it refuses', () => {
    const w = waitOn(1_000_000);
    expect(w.wait.button(inWindow(), 1_000_000 - WINDOW_LEFT_MS, false)).toEqual({ enabled: true });
    expect(w.wait.button(inWindow({ erasable_in_ms: 0 }), 1_000_000, false)).toEqual({ enabled: true });
    expect(w.wait.button(inWindow({ erasable_in_ms: null }), 1_000_000, false)).toEqual({ enabled: true });
    expect(w.wait.button(inWindow({ erasable_at: null }), 1_000_000, false)).toEqual({ enabled: true });
    expect(w.pending()).toEqual([]);
  });

  it('an open report disables it with no time; a chat not ended, nothing left to erase and an erasure under way too', () => {
    const w = waitOn(1_000);
    expect(w.wait.button(transcript({ erase_blocked: 'report_open' }), 1_000, false)).toEqual({ enabled: false, hint: { key: 'eraseUnderReview' } });
    // A sanction in force that a report in it led to: no time either (it may be lifted sooner).
    expect(w.wait.button(transcript({ erase_blocked: 'sanction_in_force' }), 1_000, false)).toEqual({ enabled: false, hint: { key: 'eraseSanctionInForce' } });
    expect(w.wait.button(transcript({ erase_blocked: 'active', ended_at: null }), 1_000, false)).toEqual({ enabled: false, hint: { key: 'eraseActive' } });
    const erased = transcript({ messages: [{ id: 1, from: 'me', time: ENDED, erased_at: ENDED, erased_by: 'sender' }] });
    expect(w.wait.button({ ...erased, erase_blocked: 'report_window', erasable_at: ERASABLE, erasable_in_ms: WINDOW_LEFT_MS }, 1_000, false)).toEqual({
      enabled: false,
      hint: { key: 'nothingToErase' },
    });
    expect(w.wait.button(inWindow(), 1_000, true)).toEqual({ enabled: false });
    expect(w.wait.button(transcript(), 1_000, false)).toEqual({ enabled: true });
    expect(w.pending()).toEqual([]);
  });

  it('a chat not ended when read is read again, every so often from its last reading, until a reading says it has ended', () => {
    const w = waitOn(1_000);
    const active = transcript({ erase_blocked: 'active', ended_at: null });
    w.show(active);
    expect(w.pending()).toEqual([ACTIVE_RECHECK_MS]);
    // A render meanwhile (a language switch) does not put it off.
    w.advanceTo(1_000 + ACTIVE_RECHECK_MS / 2);
    w.show(active, 1_000);
    expect(w.pending()).toEqual([ACTIVE_RECHECK_MS / 2]);
    w.advanceTo(1_000 + ACTIVE_RECHECK_MS);
    expect(w.counted.stale).toBe(1);
    // That reading failed (nothing new shown): it is asked for again later, not never.
    w.advanceTo(1_000 + 2 * ACTIVE_RECHECK_MS);
    expect(w.counted.stale).toBe(2);
    // The next one says the chat has ended (and its window has passed): the button enables, nothing is asked again.
    expect(w.show(transcript())).toEqual({ enabled: true });
    expect(w.pending()).toEqual([]);
  });

  it('a chat not ended in which this person has written nothing yet is read again too (the partner’s words come in)', () => {
    const w = waitOn(1_000);
    const silent = transcript({ erase_blocked: 'active', ended_at: null, messages: [{ id: 2, from: 'partner', time: ENDED, text: 'hello' }] });
    expect(w.show(silent)).toEqual({ enabled: false, hint: { key: 'eraseActive' } });
    expect(w.pending()).toEqual([ACTIVE_RECHECK_MS]);
    w.advanceTo(1_000 + ACTIVE_RECHECK_MS);
    expect(w.counted.stale).toBe(1);
  });

  it('a chat not ended is not read again while the page is hidden, and no timer is left to wake it', () => {
    const w = waitOn(1_000);
    w.show(transcript({ erase_blocked: 'active', ended_at: null }));
    w.hide();
    expect(w.pending()).toEqual([]);
    for (let n = 1; n <= 10; n++) w.advanceTo(1_000 + n * ACTIVE_RECHECK_MS);
    expect(w.counted.stale).toBe(0);
  });

  it('seen again after a reading fell due, it is read at once, then every so often again', () => {
    const w = waitOn(1_000);
    w.show(transcript({ erase_blocked: 'active', ended_at: null }));
    w.hide();
    for (let n = 1; n <= 3; n++) w.advanceTo(1_000 + n * ACTIVE_RECHECK_MS);
    w.reveal();
    // One reading for the whole time away, not one for each that was missed.
    expect(w.counted.stale).toBe(1);
    expect(w.pending()).toEqual([ACTIVE_RECHECK_MS]);
    w.advanceTo(1_000 + 4 * ACTIVE_RECHECK_MS);
    expect(w.counted.stale).toBe(2);
  });

  it('seen again before a reading fell due (a quick look at another tab), it waits for the rest rather than reading at once', () => {
    const w = waitOn(1_000);
    w.show(transcript({ erase_blocked: 'active', ended_at: null }));
    w.advanceTo(6_000);
    w.hide();
    w.advanceTo(9_000);
    w.reveal();
    expect(w.counted.stale).toBe(0);
    expect(w.pending()).toEqual([1_000 + ACTIVE_RECHECK_MS - 9_000]);
    w.advanceTo(1_000 + ACTIVE_RECHECK_MS);
    expect(w.counted.stale).toBe(1);
  });

  it('a reading that falls due as the page is being hidden is not made; it comes when the page is seen again', () => {
    const w = waitOn(1_000);
    w.show(transcript({ erase_blocked: 'active', ended_at: null }));
    w.hideQuietly();
    w.advanceTo(1_000 + ACTIVE_RECHECK_MS);
    expect(w.counted.stale).toBe(0);
    w.hide();
    w.advanceTo(1_000 + 3 * ACTIVE_RECHECK_MS);
    expect(w.counted.stale).toBe(0);
    w.reveal();
    expect(w.counted.stale).toBe(1);
  });

  it('a chat read while the page is hidden (an answer that came after it was) is read again only once it is seen', () => {
    const w = waitOn(1_000);
    w.hide();
    w.show(transcript({ erase_blocked: 'active', ended_at: null }));
    expect(w.pending()).toEqual([]);
    w.advanceTo(1_000 + 2 * ACTIVE_RECHECK_MS);
    w.reveal();
    expect(w.counted.stale).toBe(1);
  });

  it('being seen again asks nothing once the chat has ended, nor for a conversation no longer waited on', () => {
    const w = waitOn(1_000);
    w.show(transcript({ erase_blocked: 'active', ended_at: null }));
    w.show(transcript());
    w.hide();
    w.advanceTo(1_000 + 2 * ACTIVE_RECHECK_MS);
    w.reveal();
    expect(w.counted.stale).toBe(0);
    w.show(transcript({ erase_blocked: 'active', ended_at: null }));
    w.wait.stop();
    w.hide();
    w.advanceTo(1_000 + 4 * ACTIVE_RECHECK_MS);
    w.reveal();
    expect(w.counted.stale).toBe(0);
    expect(w.pending()).toEqual([]);
  });

  it('hiding the page leaves the report window’s own timer alone: it asks the server nothing', () => {
    const w = waitOn(1_000);
    w.show(inWindow());
    w.hide();
    expect(w.pending()).toEqual([WINDOW_LEFT_MS]);
    w.advanceTo(1_000 + WINDOW_LEFT_MS);
    expect(w.last()).toEqual({ enabled: true });
  });

  it('its hints say until when in both languages', () => {
    const { t } = myTexts;
    expect(t('eraseWaitUntil', { time: '14:05:01' })).toBe('聊天刚结束，对方还可以举报这次聊天：14:05:01 起可以删除你的消息');
    expect(t('eraseUnderReview')).toBe('这次聊天正在安全审核中，审核结束后才能删除你的消息');
    expect(t('eraseSanctionInForce')).toBe('这次聊天中对你的举报导致了仍在生效的处罚：处罚结束或解除之前，你的消息作为依据保留，不能删除');
    setLang('en');
    try {
      expect(t('eraseWaitUntil', { time: '14:05:01' })).toBe('This chat just ended and your partner may still report it: you can erase your messages from 14:05:01.');
      expect(t('eraseUnderReview')).toBe('This chat is under a safety review; you can erase your messages once the review is over.');
      expect(t('eraseSanctionInForce')).toBe('A report on you in this chat led to a sanction still in force: your messages are kept as its grounds until it ends or is lifted.');
    } finally {
      setLang('zh-CN');
    }
  });
});

describe('a conversation’s name on /my (web/src/my/chat-when.ts)', () => {
  it('is when it began, to the second, in the chat’s zone as written, in both languages; never the room’s number', () => {
    const started = '2026-06-05T14:02:31+08:00';
    expect(chatWhen(started, 'zh-CN')).toBe('6 月 5 日 14:02:31');
    expect(chatWhen(started, 'en')).toBe('5 June, 14:02:31');
    expect(chatWhen('2026-12-31T23:59:59-05:00', 'en')).toBe('31 December, 23:59:59');
    expect(myTexts.t('conversationTitle', { when: chatWhen(started, 'zh-CN') })).toBe('6 月 5 日 14:02:31 的聊天');
    expect(myTexts.t('confirmTitle', { when: chatWhen(started, 'zh-CN') })).toBe('删除你在 6 月 5 日 14:02:31 的聊天中发的所有消息？');
    setLang('en');
    try {
      expect(myTexts.t('conversationTitle', { when: chatWhen(started, 'en') })).toBe('Chat of 5 June, 14:02:31');
    } finally {
      setLang('zh-CN');
    }
  });

  it('two chats begun in the same minute (Next pressed quickly) have two names', () => {
    expect(chatWhen('2026-06-05T14:02:07+08:00', 'zh-CN')).not.toBe(chatWhen('2026-06-05T14:02:41+08:00', 'zh-CN'));
    expect(chatWhen('2026-06-05T14:02:07+08:00', 'en')).not.toBe(chatWhen('2026-06-05T14:02:41+08:00', 'en'));
  });

  it('the recent chats list names a chat as its page does: by when it began, not when it ended', () => {
    const chat: MyChat = { room_id: 20, code: 'AAAA', started_at: '2026-01-03T15:14:38+08:00', ended_at: '2026-01-03T16:20:05+08:00', end_reason: 'left', message_count: 3 };
    expect(recentChatWhen(chat, 'zh-CN')).toBe('1 月 3 日 15:14:38');
    expect(recentChatWhen(chat, 'en')).toBe('3 January, 15:14:38');
  });
});
