/**
 * The receipt of a chat that has ended (`receipt {room_id, code}`): shown on the chat-ended bar (when the
 * partner left) and on the start screen as "your last chat" (for the one who left), with a copy button
 * and a link to /my, where the code downloads the conversation or erases one's own messages. The notes
 * are built here, so the page's markup stays as it is; they follow the language switch. The receipt of a chat
 * that ended while the page was away (looked up by ended-away.ts) is shown the same way, with a line saying
 * that what was said meanwhile can be read with it on /my.
 */
import type { ReceiptPayload } from '../../src/shared/protocol.js';
import type { ChatClient } from './chat-client.js';
import { copyText } from './copy-text.js';
import { element } from './dom.js';
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
  /** The receipt it shows (undefined: hidden), and whether it was looked up (`away`). */
  showing(): { receipt: ReceiptPayload; away: boolean } | undefined;
  /** Renders its texts again in the current language. */
  retranslate(): void;
}

function setText(el: HTMLElement, key: ReceiptTextKey): void {
  el.dataset['i18n'] = key;
  el.textContent = t(key);
}

function createNote(testId: string, label: ReceiptTextKey): Note {
  const root = element('div', 'receipt-note');
  root.dataset['testid'] = testId;
  root.hidden = true;
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
  setText(link, 'receiptLink');
  const awayLine = element('span', 'receipt-away');
  awayLine.dataset['testid'] = 'receipt-away';
  setText(awayLine, 'receiptAway');
  awayLine.hidden = true;
  const status = element('span', 'receipt-status');
  status.setAttribute('role', 'status');
  status.dataset['testid'] = 'receipt-status';
  root.title = t('receiptHelp');
  root.append(awayLine, heading, code, copy, link, status);

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
      root.hidden = false;
    },
    hide() {
      root.hidden = true;
    },
    showing() {
      return shown && !root.hidden ? { receipt: shown, away: !awayLine.hidden } : undefined;
    },
    retranslate() {
      translate(root);
      root.title = t('receiptHelp');
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
  views.endedBar.append(ended.root);
  views.startScreen.append(last.root);

  const show = (receipt: ReceiptPayload, away = false): void => {
    // Still looking at the chat that ended (the partner left): on its bar; otherwise only on the start screen.
    if (!views.endedBar.hidden) ended.show(receipt, away);
    last.show(receipt, away);
  };
  client.on('receipt', (receipt) => show(receipt));
  // A new chat (or the same one resumed) leaves the receipt of the previous one to the start screen.
  client.on('matched', () => ended.hide());
  views.langSwitch.addEventListener('change', () => {
    ended.retranslate();
    last.retranslate();
  });
  return { show, onEndedBar: () => ended.showing() };
}
