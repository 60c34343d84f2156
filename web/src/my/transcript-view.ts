/**
 * One conversation opened by its receipt: when it was, the downloads, "erase my messages" (after a
 * confirmation), and its messages as bubbles — the holder's on the right — with erased ones shown as
 * markers. Message text is only ever set as text.
 */
import type { Transcript, TranscriptMessage } from '../../../src/privacy/transcript.js';
import { byTestId, element } from '../dom.js';
import { createModal } from '../modal.js';
import { downloadUrls } from './receipts-api.js';
import { myTexts, type MyTextKey } from './texts.js';

const { t } = myTexts;

/** `2026-01-03T16:14:38+08:00` → `2026-01-03 16:14:38`: the server already wrote the configured zone's clock. */
const plainTime = (iso: string) => iso.slice(0, 19).replace('T', ' ');

export interface TranscriptView {
  show(transcript: Transcript): void;
  hide(): void;
  /** Renders again in the current language. */
  render(): void;
  /** The code of the conversation shown, if any. */
  readonly code: string | undefined;
}

export interface TranscriptViewOptions {
  /** The language of the text download's labels. */
  lang: () => string;
  /** The holder confirmed: erase their messages (the page reports the outcome and shows the result). */
  erase: (code: string) => Promise<void>;
}

function messageItem(m: TranscriptMessage): HTMLLIElement {
  const own = m.from === 'me';
  const item = element('li', own ? 'message message-own' : 'message message-partner');
  item.dataset['testid'] = 'transcript-message';
  item.dataset['from'] = m.from;
  const bubble = element('div', 'bubble');
  const who = element('span', 'transcript-who', t(own ? 'me' : 'partner'));
  let text: HTMLElement;
  if (m.erased_at !== undefined) {
    item.dataset['erased'] = 'true';
    bubble.classList.add('bubble-erased');
    const key: MyTextKey = m.erased_by === 'admin' ? 'erasedByAdmin' : 'erasedBySender';
    text = element('p', 'message-text', t(key, { n: plainTime(m.erased_at) }));
  } else {
    text = element('p', 'message-text', m.text ?? '');
  }
  text.dataset['testid'] = 'transcript-text';
  const time = element('time', 'message-time', plainTime(m.time));
  time.dateTime = m.time;
  bubble.append(who, text, time);
  item.append(bubble);
  return item;
}

export function createTranscriptView(root: HTMLElement, dialog: HTMLDialogElement, options: TranscriptViewOptions): TranscriptView {
  const title = byTestId('conversation-title', HTMLElement, root);
  const meta = byTestId('conversation-meta', HTMLElement, root);
  const list = byTestId('transcript', HTMLOListElement, root);
  const empty = byTestId('transcript-empty', HTMLElement, root);
  const txt = byTestId('download-txt', HTMLAnchorElement, root);
  const json = byTestId('download-json', HTMLAnchorElement, root);
  const eraseButton = byTestId('erase-btn', HTMLButtonElement, root);
  const eraseHint = byTestId('erase-hint', HTMLElement, root);
  const confirmButton = byTestId('erase-confirm', HTMLButtonElement, dialog);
  const cancelButton = byTestId('erase-cancel', HTMLButtonElement, dialog);
  const modal = createModal(dialog);
  let shown: Transcript | undefined;

  cancelButton.addEventListener('click', () => modal.close());
  confirmButton.addEventListener('click', () => {
    const code = shown?.code;
    modal.close();
    if (code) void options.erase(code);
  });
  eraseButton.addEventListener('click', () => {
    modal.open(eraseButton);
    // Cancel first: Enter or Escape straight away never erases.
    cancelButton.focus();
  });

  function metaItem(label: MyTextKey, value: string): HTMLElement[] {
    return [element('dt', '', t(label)), element('dd', '', value)];
  }

  function render(): void {
    if (!shown) return;
    title.textContent = t('conversationTitle', { n: shown.room_id });
    meta.replaceChildren(
      ...metaItem('startedAt', plainTime(shown.started_at)),
      ...metaItem('endedAt', shown.ended_at ? plainTime(shown.ended_at) : t('notEnded')),
      ...metaItem('timezone', shown.timezone),
    );
    const urls = downloadUrls(shown.code, options.lang());
    txt.href = urls.txt;
    txt.download = `chat-${shown.room_id}.txt`;
    json.href = urls.json;
    json.download = `chat-${shown.room_id}.json`;
    const erasable = shown.messages.some((m) => m.from === 'me' && m.erased_at === undefined);
    eraseButton.disabled = !erasable;
    eraseHint.hidden = erasable;
    list.replaceChildren(...shown.messages.map(messageItem));
    empty.hidden = shown.messages.length > 0;
  }

  return {
    show(transcript) {
      shown = transcript;
      render();
      root.hidden = false;
    },
    hide() {
      shown = undefined;
      root.hidden = true;
    },
    render,
    get code() {
      return shown?.code;
    },
  };
}
