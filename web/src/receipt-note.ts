/**
 * The receipt of a chat that has ended (`receipt {room_id, code}`): shown on the chat-ended bar (when the
 * partner left) and on the start screen as "your last chat" (for the one who left), with a copy button
 * and a link to /my, where the code downloads the conversation or erases one's own messages. The notes
 * are built here, so the page's markup stays as it is; they follow the language switch. The receipt of a chat
 * that ended while the page was away (looked up by ended-away.ts) is shown the same way, with a line saying
 * that what was said meanwhile can be read with it on /my.
 *
 * A ban covers the page, the chat it ended too, but not what the person said: the ban notice links to /my
 * (which serves anyone their own chats, banned or not, by cookie or code), and shows the code of the last
 * chat once the page has it (the receipt of a chat a ban ends comes after the ban notice is up).
 */
import type { ReceiptPayload } from '../../src/shared/protocol.js';
import type { ChatClient } from './chat-client.js';
import { copyText } from './copy-text.js';
import { byTestId, element } from './dom.js';
import { receiptTexts, type ReceiptTextKey } from './receipt-texts.js';
import './receipt-note.css';

const { t, translate } = receiptTexts;
/** How long "Copied" shows on the button. */
const COPIED_MS = 2_000;

interface Note {
  root: HTMLElement;
  /** `away`: the chat ended while the page was away (the line about what was said meanwhile shows). */
  show(receipt: ReceiptPayload, away: boolean): void;
  hide(): void;
  /** Back to how it was made: the link to /my alone where it shows so, else hidden; no receipt. */
  reset(): void;
  /** The receipt it shows (undefined: hidden), and whether it was looked up (`away`). */
  showing(): { receipt: ReceiptPayload; away: boolean } | undefined;
  /** Renders its texts again in the current language. */
  retranslate(): void;
}

function setText(el: HTMLElement, key: ReceiptTextKey): void {
  el.dataset['i18n'] = key;
  el.textContent = t(key);
}

/** `linkText`: the link's words; `linkAlone`: shown before any receipt, as a link to /my by itself. */
interface NoteOptions {
  linkText: ReceiptTextKey;
  linkAlone: boolean;
}

function createNote(testId: string, label: ReceiptTextKey, options: NoteOptions = { linkText: 'receiptLink', linkAlone: false }): Note {
  const root = element('div', 'receipt-note');
  root.dataset['testid'] = testId;
  root.hidden = !options.linkAlone;
  const heading = element('span', 'receipt-label');
  setText(heading, label);
  const code = element('code', 'receipt-code');
  code.dataset['testid'] = 'receipt-code';
  const copy = element('button', 'btn btn-ghost btn-small receipt-copy');
  copy.type = 'button';
  copy.dataset['testid'] = 'receipt-copy';
  setText(copy, 'receiptCopy');
  const link = element('a', 'receipt-link');
  link.dataset['testid'] = 'receipt-my-link';
  link.target = '_blank';
  link.rel = 'noopener';
  link.href = '/my';
  setText(link, options.linkText);
  const awayLine = element('span', 'receipt-away');
  awayLine.dataset['testid'] = 'receipt-away';
  setText(awayLine, 'receiptAway');
  awayLine.hidden = true;
  const status = element('span', 'receipt-status');
  status.setAttribute('role', 'status');
  status.dataset['testid'] = 'receipt-status';
  root.append(awayLine, heading, code, copy, link, status);
  // What is about a code (its lines, its help) waits for one where the link shows alone before.
  const aboutCode = [heading, code, copy];
  for (const el of aboutCode) el.hidden = options.linkAlone;
  let titled = !options.linkAlone;
  if (titled) root.title = t('receiptHelp');

  let timer: ReturnType<typeof setTimeout> | undefined;
  let shown: ReceiptPayload | undefined;
  copy.addEventListener('click', () => {
    const value = code.textContent ?? '';
    void copyText(value, code).then((copied) => {
      setText(status, copied ? 'receiptCopied' : 'receiptCopyFailed');
      clearTimeout(timer);
      timer = setTimeout(() => {
        status.textContent = '';
        delete status.dataset['i18n'];
      }, COPIED_MS);
    });
  });

  return {
    root,
    show(receipt, away) {
      shown = receipt;
      awayLine.hidden = !away;
      code.textContent = receipt.code;
      copy.setAttribute('aria-label', `${t('receiptCopyLabel')} ${receipt.code}`);
      // The code rides in the fragment, which no request ever carries: /my opens it at once.
      link.href = `/my#${encodeURIComponent(receipt.code)}`;
      root.dataset['roomId'] = String(receipt.room_id);
      for (const el of aboutCode) el.hidden = false;
      titled = true;
      root.title = t('receiptHelp');
      root.hidden = false;
    },
    hide() {
      root.hidden = true;
    },
    reset() {
      shown = undefined;
      awayLine.hidden = true;
      code.textContent = '';
      copy.removeAttribute('aria-label');
      link.href = '/my';
      delete root.dataset['roomId'];
      for (const el of aboutCode) el.hidden = options.linkAlone;
      titled = !options.linkAlone;
      if (titled) root.title = t('receiptHelp');
      else root.removeAttribute('title');
      root.hidden = !options.linkAlone;
    },
    showing() {
      return shown && !root.hidden ? { receipt: shown, away: !awayLine.hidden } : undefined;
    },
    retranslate() {
      translate(root);
      if (titled) root.title = t('receiptHelp');
      if (shown) copy.setAttribute('aria-label', `${t('receiptCopyLabel')} ${shown.code}`);
    },
  };
}

export interface ReceiptNotesViews {
  /** The chat-ended bar: the receipt of the chat on screen goes there. */
  endedBar: HTMLElement;
  /** The start screen: the last chat's receipt stays there. */
  startScreen: HTMLElement;
  /** The page's language switch: the notes follow it. */
  langSwitch: HTMLSelectElement;
  /** The ban notice: the way to /my, and the last chat's code. Default: the page's `[data-testid=ban-screen]`. */
  banScreen?: HTMLElement;
}

export interface ReceiptNotes {
  /**
   * Shows a receipt as one that comes with the chat's end: on the ended bar while it shows, and on the start
   * screen. `away`: the chat ended while the page was away, its receipt looked up.
   */
  show(receipt: ReceiptPayload, away?: boolean): void;
  /** The receipt on the ended bar (undefined: none), and whether it was looked up: kept over a reload. */
  onEndedBar(): { receipt: ReceiptPayload; away: boolean } | undefined;
}

export function createReceiptNotes(client: ChatClient, views: ReceiptNotesViews): ReceiptNotes {
  const ended = createNote('ended-receipt', 'receiptLabel');
  const last = createNote('last-receipt', 'lastReceiptLabel');
  const banned = createNote('ban-receipt', 'lastReceiptLabel', { linkText: 'banMyLink', linkAlone: true });
  views.endedBar.append(ended.root);
  views.startScreen.append(last.root);
  (views.banScreen ?? byTestId('ban-screen', HTMLElement)).append(banned.root);

  const show = (receipt: ReceiptPayload, away = false): void => {
    // Still looking at the chat that ended (the partner left): on its bar; otherwise only on the start screen.
    if (!views.endedBar.hidden) ended.show(receipt, away);
    last.show(receipt, away);
    // Seen only while banned, where no chat is shown: nothing to say about what is missing from it.
    banned.show(receipt, false);
  };
  client.on('receipt', (receipt) => show(receipt));
  // A new chat (or the same one resumed) leaves the receipt of the previous one to the start screen. The
  // ban screen's is for the chat a ban ends: a new chat's start forgets the one before (back to the link
  // alone), so a ban during it never shows another chat's code as the last one.
  client.on('matched', (matched) => {
    ended.hide();
    if (!matched.resumed) banned.reset();
  });
  views.langSwitch.addEventListener('change', () => {
    ended.retranslate();
    last.retranslate();
    banned.retranslate();
  });
  return { show, onEndedBar: () => ended.showing() };
}
