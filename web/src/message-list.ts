/**
 * The conversation: chat bubbles (own on the right) and centred system notices. Message text is only
 * ever set as text, so markup a stranger sends shows literally. Each message renders once, by `id`, and
 * messages stand in id order (the server's order), so replays after a reconnection neither duplicate
 * nor reorder anything (where a resume starts is the flow's: chat-comeback.ts). A private room's earlier
 * conversation (`room_history`) stands above all of it, marked as earlier and closed by a divider; it is
 * not part of the chat going on (not reported, not counted for a resume), but it is saved with it.
 *
 * One's own message shows at once while it is on its way (`addPending`, by its `cid`), outlined: the
 * stored message takes its place when its ack (or a replay) brings it — in its very slot when it is the
 * newest, so two sends acked out of order, or a goodbye that overtook the ack, keep the order they had on
 * screen; else where its id puts it. It is not read out (the stored one is), and after a second it says
 * "sending…" (a CSS delay: a quick ack never shows it). A send that fails takes it away, its text back in
 * the input — unless the input holds other text (or the chat has ended): then it stays where it was,
 * marked not sent (`failPending`, unsent-message.ts), with Retry and Discard while the chat goes on, read
 * out as news. An unsent message is not a stored one: it is not reported, saved or counted for a resume;
 * a replay that brings it stored after all (same `cid`) puts the stored one in its place.
 *
 * Reading the latest, the person stays there: the list is "stuck" to its bottom while scrolled within
 * STICKY_PX of it, and stays stuck when it gets shorter without an insertion (the input grows a line, the
 * typing indicator shows, a phone's keyboard opens), not only when a message comes.
 *
 * The list sits in a polite live log, which screen readers read out as messages arrive, each with who said
 * it ("陌生人说：", visually hidden), and only as they arrive (`aria-relevant="additions"`; a language switch
 * rewording what is there — new text nodes — keeps the log `aria-busy` a moment: main.ts). History the
 * person has seen (the earlier conversation, a reload's replay) comes in bursts: `quiet()` marks the log
 * `aria-busy` while it is inserted, so it is not read out message by message. Busy is cleared on a later
 * task, not at the end of the insertion: screen readers see the page only between tasks.
 */
import type { ChatMessage } from '../../src/shared/protocol.js';
import { element } from './dom.js';
import { formatClock } from './format-time.js';
import { t, type TextKey } from './i18n.js';
import { messageText } from './message-text.js';
import { renderUnsent, type UnsentActions, type UnsentMessage, type UnsentReason } from './unsent-message.js';

/** A system notice already shown. */
export interface SystemNote {
  /** Shows "(n s)" after the text, e.g. the time left for a partner to come back; null removes it. */
  setSecondsLeft(seconds: number | null): void;
}

export interface MessageList {
  clear(): void;
  /** Stores `message`; one's own replaces its bubble on the way (same `cid`). */
  addMessage(message: ChatMessage, own: boolean): void;
  /** One's own message on its way, shown at once (outlined) until `addMessage` brings it, `dropPending` or `failPending`. */
  addPending(content: string, cid: string): void;
  /** Takes away the message on its way with `cid` (its send failed, or the chat on screen is another one). */
  dropPending(cid: string): void;
  /**
   * The message on its way with `cid` was not sent: it stays in its place, marked so and why, with
   * `actions` as its buttons (null: none, the chat is over).
   */
  failPending(cid: string, reason: UnsentReason, actions: UnsentActions | null): void;
  /**
   * Takes away the unsent message with `cid` (discarded, sent again, or taken back into the input), and says
   * whether the focus was in it (on one of its buttons), which then needs a new place: `keyboard` when it
   * showed as keyboard focus (`:focus-visible`), `pointer` when a click or tap put it there, null when it
   * was elsewhere.
   */
  dropUnsent(cid: string): 'keyboard' | 'pointer' | null;
  /** Whether a message of one's own is on its way (that one, with `cid`). */
  hasPending(cid?: string): boolean;
  /** Whether an unsent message can still be sent (its buttons are there): lost if the page closes. */
  hasUnsent(): boolean;
  /** The chat on screen is over: unsent messages stay, marked, without their buttons. */
  closeUnsent(): void;
  /** A notice in the current language; it follows later language switches (`data-i18n`). */
  addSystem(key: TextKey): SystemNote;
  /** A notice whose text `fill` sets (another module's texts, which follow language switches their own way). */
  addNote(fill: (text: HTMLElement) => void): void;
  /**
   * A message of an earlier conversation (a private room's history): above everything else, in id
   * order, with `divider` filling the line that closes them.
   */
  addEarlier(message: ChatMessage, own: boolean, divider: (text: HTMLElement) => void): void;
  /**
   * What is inserted from now until QUIET_MS pass without an insertion is history, not news: the log is
   * busy meanwhile (screen readers do not read it out).
   */
  quiet(): void;
  /** The partner's messages shown, in id order: what a report can name. */
  partnerMessages(): ChatMessage[];
  /** Every message shown (earlier ones first), in id order, and whose it is: what "Save" writes. */
  shown(): { message: ChatMessage; own: boolean }[];
}

/** How close to the bottom (px) still counts as "reading the latest", so new messages scroll into view. */
const STICKY_PX = 80;
/**
 * A quiet insertion ends this long after its last message: a replay arrives as a burst of events (pages
 * of messages), and a message of the partner's right after it is read out once the log is no longer busy.
 */
const QUIET_MS = 500;

/** "陌生人说：" before a message's text, heard and not seen; reworded on a language switch (while the log is busy: main.ts). */
function saidBy(key: 'saidByYou' | 'saidByStranger'): HTMLElement {
  const sender = element('span', 'visually-hidden', t(key));
  sender.dataset['i18n'] = key;
  sender.dataset['testid'] = 'message-sender';
  return sender;
}

function renderMessage(message: ChatMessage, own: boolean, testId = 'message'): HTMLElement {
  const item = element('li', own ? 'message message-own' : 'message message-partner');
  item.dataset['testid'] = testId;
  item.dataset['own'] = String(own);
  item.dataset['id'] = String(message.id);
  const bubble = element('div', 'bubble');
  // Who said it, for screen readers: the sides and colours that show it are not read out.
  const sender = saidBy(own ? 'saidByYou' : 'saidByStranger');
  const text = messageText(message.content);
  text.dataset['testid'] = 'message-text';
  const time = element('time', 'message-time', formatClock(message.timestamp));
  time.dataset['testid'] = 'message-time';
  time.dateTime = message.timestamp;
  bubble.append(sender, text, time);
  item.append(bubble);
  return item;
}

/** One's own message on its way: its text, and under it "sending…" shown after a second (styles.css: `.pending-label`). */
function renderPending(content: string): HTMLElement {
  const item = element('li', 'message message-own message-pending');
  item.dataset['testid'] = 'message-pending';
  // The stored message is read out when it comes; this one would be read twice.
  item.setAttribute('aria-hidden', 'true');
  const bubble = element('div', 'bubble');
  bubble.append(messageText(content));
  const label = element('span', 'pending-label', t('hintSending'));
  label.dataset['i18n'] = 'hintSending';
  item.append(bubble, label);
  return item;
}

function renderNote(fill: (text: HTMLElement) => void, testId = 'system-message'): { item: HTMLElement; text: HTMLElement } {
  const item = element('li', 'system-message');
  item.dataset['testid'] = testId;
  const text = element('span', 'system-text');
  text.dataset['testid'] = 'system-text';
  fill(text);
  item.append(text);
  return { item, text };
}

export function createMessageList(list: HTMLElement): MessageList {
  const seen = new Set<number>();
  /** One's own messages on their way, by cid, and their text (kept if the send fails). */
  const pending = new Map<string, { item: HTMLElement; content: string }>();
  /** One's own messages not sent, by cid. */
  const unsent = new Map<string, UnsentMessage>();
  const fromPartner: ChatMessage[] = [];
  const all: { message: ChatMessage; own: boolean }[] = [];
  let lastId = 0;
  /** The earlier conversation: its messages by id, and the line under them. */
  const earlier = new Set<number>();
  let divider: HTMLElement | null = null;
  /** The highest id among the earlier messages shown (0: none). */
  let highestEarlier = 0;
  /** The live region the list is in (the list itself without one). */
  const log = list.closest<HTMLElement>('[role="log"]') ?? list;
  let quietTimer: ReturnType<typeof setTimeout> | undefined;
  /** The list is scrolled to (near) its bottom: what comes, or a shrinking of the list, keeps it there. */
  let stuck = true;

  const nearBottom = (): boolean => list.scrollHeight - list.scrollTop - list.clientHeight < STICKY_PX;
  const toBottom = (): void => {
    list.scrollTop = list.scrollHeight;
    stuck = true;
  };
  // Scrolled by the person (or by the page): whether they are reading the latest now.
  list.addEventListener('scroll', () => (stuck = nearBottom()), { passive: true });
  // A resize scrolls nothing, so no scroll event says the latest went out of view: put it back.
  new ResizeObserver(() => {
    if (stuck) toBottom();
  }).observe(list);

  /** Keeps the log busy for QUIET_MS more (from a `quiet()` on, while insertions follow each other). */
  const stayQuiet = (): void => {
    clearTimeout(quietTimer);
    log.setAttribute('aria-busy', 'true');
    quietTimer = setTimeout(() => {
      quietTimer = undefined;
      log.removeAttribute('aria-busy');
    }, QUIET_MS);
  };

  const place = (item: HTMLElement, before: Element | null, forceScroll: boolean): void => {
    const atBottom = stuck || nearBottom();
    if (quietTimer !== undefined) stayQuiet();
    list.insertBefore(item, before);
    if (atBottom || forceScroll) toBottom();
  };

  /** The first shown message with a higher id than `id`: an older message arriving late goes before it. */
  const firstAfter = (id: number): Element | null => {
    for (const el of list.querySelectorAll<HTMLElement>('[data-testid="message"]')) {
      if (Number(el.dataset['id']) > id) return el;
    }
    return null;
  };

  return {
    clear() {
      // A new chat's first notices are news: a quiet insertion of the last one's history ends here.
      clearTimeout(quietTimer);
      quietTimer = undefined;
      log.removeAttribute('aria-busy');
      seen.clear();
      pending.clear();
      unsent.clear();
      earlier.clear();
      divider = null;
      highestEarlier = 0;
      fromPartner.length = 0;
      all.length = 0;
      lastId = 0;
      list.replaceChildren();
      stuck = true;
    },
    addMessage(message, own) {
      // On its way, or not sent to this page's knowledge (its ack lost) and now replayed as stored.
      const cid = own ? message.cid : undefined;
      const waiting = cid === undefined ? undefined : (pending.get(cid)?.item ?? unsent.get(cid)?.item);
      if (cid !== undefined) {
        pending.delete(cid);
        unsent.delete(cid);
      }
      if (seen.has(message.id)) return waiting?.remove();
      seen.add(message.id);
      if (!own) fromPartner.push(message);
      all.push({ message, own });
      // The newest goes where it was waiting (else last); an older one before the first stored after it.
      const before = message.id > lastId ? (waiting ?? null) : firstAfter(message.id);
      lastId = Math.max(lastId, message.id);
      place(renderMessage(message, own), before, own);
      waiting?.remove();
    },
    addPending(content, cid) {
      const item = renderPending(content);
      pending.get(cid)?.item.remove();
      pending.set(cid, { item, content });
      place(item, null, true);
    },
    dropPending(cid) {
      pending.get(cid)?.item.remove();
      pending.delete(cid);
    },
    failPending(cid, reason, actions) {
      const waiting = pending.get(cid);
      if (!waiting) return;
      pending.delete(cid);
      const shown = renderUnsent(cid, waiting.content, reason, actions);
      unsent.set(cid, shown);
      // In its very place; no longer hidden from screen readers: the log reads it out as news.
      const atBottom = stuck || nearBottom();
      waiting.item.replaceWith(shown.item);
      if (atBottom) toBottom();
    },
    dropUnsent(cid) {
      const item = unsent.get(cid)?.item;
      unsent.delete(cid);
      const active = document.activeElement;
      const held = active !== null && (item?.contains(active) ?? false);
      item?.remove();
      if (!held) return null;
      return active.matches(':focus-visible') ? 'keyboard' : 'pointer';
    },
    hasPending: (cid) => (cid === undefined ? pending.size > 0 : pending.has(cid)),
    hasUnsent: () => [...unsent.values()].some((message) => message.open),
    closeUnsent() {
      for (const message of unsent.values()) message.close();
    },
    addSystem(key) {
      const { item } = renderNote((text) => {
        text.textContent = t(key);
        text.dataset['i18n'] = key;
      });
      place(item, null, true);
      let countdown: HTMLElement | undefined;
      return {
        setSecondsLeft(seconds) {
          if (seconds === null) {
            countdown?.remove();
            countdown = undefined;
            return;
          }
          if (!countdown) {
            countdown = element('span', 'system-countdown');
            // The log would read the count out every second; the notice itself is read once.
            countdown.setAttribute('aria-hidden', 'true');
            countdown.dataset['i18n'] = 'graceLeft';
            item.append(countdown);
          }
          countdown.dataset['i18nN'] = String(seconds);
          countdown.textContent = t('graceLeft', { n: seconds });
        },
      };
    },
    addNote(fill) {
      place(renderNote(fill).item, null, true);
    },
    addEarlier(message, own, fillDivider) {
      if (earlier.has(message.id) || seen.has(message.id)) return;
      earlier.add(message.id);
      all.push({ message, own });
      if (!divider) {
        divider = renderNote(fillDivider, 'earlier-divider').item;
        divider.classList.add('earlier-divider');
        place(divider, list.firstElementChild, true);
      }
      // Before the first earlier message with a higher id, else last of them (just above the divider).
      // History comes in id order, so the usual case is the last place, found without a scan: a history of
      // thousands of messages costs a scan each only when one arrives out of order.
      let before: Element = divider;
      if (message.id < highestEarlier) {
        for (const el of list.querySelectorAll<HTMLElement>('[data-testid="earlier-message"]')) {
          if (Number(el.dataset['id']) > message.id) {
            before = el;
            break;
          }
        }
      }
      highestEarlier = Math.max(highestEarlier, message.id);
      const item = renderMessage(message, own, 'earlier-message');
      item.classList.add('message-earlier');
      place(item, before, true);
    },
    quiet: stayQuiet,
    partnerMessages: () => [...fromPartner].sort((a, b) => a.id - b.id),
    shown: () => [...all].sort((a, b) => a.message.id - b.message.id),
  };
}
