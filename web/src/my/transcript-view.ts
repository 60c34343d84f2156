/**
 * One conversation opened by its receipt, named by when it began: when it was, the downloads (fetched by
 * the page, so a refusal is told rather than saved as a file or not at all), "erase my
 * messages" (after a confirmation; disabled, saying why and until when, while the server would refuse
 * it), and its messages (message-list.ts). Shown again (read again, a language switch), only what differs
 * is written: a reading that changed nothing leaves the page as it was — a selection, a screen reader's
 * place, the scroll position.
 */
import type { Transcript, TranscriptMessage } from '../../../src/privacy/transcript.js';
import { downloadFile } from '../../shared/download.js';
import type { Lang } from '../../shared/translator.js';
import { byTestId, element } from '../dom.js';
import { createModal } from '../modal.js';
import { chatWhen, plainTime } from './chat-when.js';
import { createEraseWait } from './erase-wait.js';
import { createMessageList } from './message-list.js';
import { downloadUrls, fetchDownload } from './receipts-api.js';
import { myTexts, type MyTextKey } from './texts.js';

const { t } = myTexts;

/** Sets a text only when it differs (setting the same one replaces its text node, and a selection in it). */
function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/** Hides or shows an element, leaving it alone when it already is. */
function setHidden(el: HTMLElement, hidden: boolean): void {
  if (el.hidden !== hidden) el.hidden = hidden;
}

/** Sets an attribute only when it differs (`null`: removes it). */
function setAttr(el: HTMLElement, name: string, value: string | null): void {
  if (el.getAttribute(name) === value) return;
  if (value === null) el.removeAttribute(name);
  else el.setAttribute(name, value);
}

export interface TranscriptView {
  /**
   * Shows `transcript` (another conversation, or the same one read again), whose answer arrived at
   * `receivedAtMs` (`ReadTranscript`). An erase confirmation open for another conversation is closed:
   * nothing is erased, and `confirmationDropped` is told.
   */
  show(transcript: Transcript, receivedAtMs: number): void;
  /**
   * Shows the holder's own messages in the conversation of `code` as erased by them at `erasedAt` (the
   * erase answer's time), without asking the server again; nothing when another conversation is shown.
   */
  markOwnErased(code: string, erasedAt: string): void;
  /** Renders again in the current language. */
  render(): void;
  /** The code of the conversation shown, if any. */
  readonly code: string | undefined;
}

export interface TranscriptViewOptions {
  /** The page's language: the text download's labels, the conversation's date in its title. */
  lang: () => Lang;
  /**
   * The holder confirmed: erase their messages (the page reports the outcome and shows the result). Until
   * it settles the Erase button of that conversation stays disabled, so one confirmation erases once.
   */
  erase: (code: string) => Promise<void>;
  /** The erase confirmation was closed unanswered because another conversation took the screen. */
  confirmationDropped: () => void;
  /**
   * The conversation of `code`, on screen, had not ended when it was read: read it again and show it (its
   * Erase button then says what the server says now).
   */
  readAgain: (code: string) => void;
  /** A download was refused or failed (a `ReceiptFailure` as a rule): the page says why. Nothing was saved. */
  downloadFailed: (error: unknown) => void;
}

export function createTranscriptView(root: HTMLElement, dialog: HTMLDialogElement, options: TranscriptViewOptions): TranscriptView {
  const title = byTestId('conversation-title', HTMLElement, root);
  const meta = byTestId('conversation-meta', HTMLElement, root);
  const list = createMessageList(byTestId('transcript', HTMLOListElement, root));
  const empty = byTestId('transcript-empty', HTMLElement, root);
  const txt = byTestId('download-txt', HTMLAnchorElement, root);
  const json = byTestId('download-json', HTMLAnchorElement, root);
  const eraseButton = byTestId('erase-btn', HTMLButtonElement, root);
  const eraseHint = byTestId('erase-hint', HTMLElement, root);
  const confirmTitle = byTestId('erase-title', HTMLElement, dialog);
  const confirmButton = byTestId('erase-confirm', HTMLButtonElement, dialog);
  const cancelButton = byTestId('erase-cancel', HTMLButtonElement, dialog);
  const modal = createModal(dialog);
  let shown: Transcript | undefined;
  /** When the answer of `shown` arrived (`performance.now()`): its erasure's wait counts from then. */
  let shownAtMs = 0;
  /**
   * The conversation the open confirmation asks about, fixed when it opened: a confirmation erases that
   * one, never whatever is on screen by then (an open begun earlier may have finished behind the dialog).
   */
  let confirming: Transcript | undefined;
  /** The confirmation was closed because another conversation was shown: the focus goes to its title. */
  let replacedBehind = false;
  /** Codes whose erasure is under way (another conversation may be opened meanwhile). */
  const erasing = new Set<string>();
  /**
   * Renders the Erase button again once the partner's report window has passed (it enables by itself), on
   * the clock the answers' arrival is read on; asks for the conversation again while it has not ended.
   */
  const eraseWait = createEraseWait(
    {
      now: () => performance.now(),
      schedule(delayMs, fn) {
        const timer = setTimeout(fn, delayMs);
        return () => clearTimeout(timer);
      },
    },
    {
      visible: () => document.visibilityState === 'visible',
      onChange: (fn) => document.addEventListener('visibilitychange', fn),
    },
    {
      due: () => renderErase(),
      stale: () => {
        if (shown !== undefined) options.readAgain(shown.code);
      },
    },
  );

  // However it closes (Escape, the backdrop, a button): unless it was opened again meanwhile.
  modal.onClose(() => {
    if (!dialog.open) confirming = undefined;
  });
  // After the modal's own handler, which puts the focus back on the Erase button — of another chat now.
  dialog.addEventListener('close', () => {
    if (!replacedBehind) return;
    replacedBehind = false;
    if (shown !== undefined && !root.hidden) title.focus();
  });

  /** The download links whose file is being fetched: a second click meanwhile saves nothing twice. */
  const downloading = new Set<HTMLAnchorElement>();

  /** Fetches the file of `link` and saves it as the server names it; a refusal is told instead. */
  async function download(link: HTMLAnchorElement, fallbackName: string): Promise<void> {
    downloading.add(link);
    // Still focusable (the keyboard's place stays), but said to be busy and not to be used meanwhile.
    setAttr(link, 'aria-disabled', 'true');
    setAttr(link, 'aria-busy', 'true');
    try {
      const file = await fetchDownload(link.href, fallbackName);
      downloadFile(file.name, file.blob.type, file.blob);
    } catch (error) {
      options.downloadFailed(error);
    } finally {
      downloading.delete(link);
      setAttr(link, 'aria-disabled', null);
      setAttr(link, 'aria-busy', null);
    }
  }

  for (const [link, extension] of [
    [txt, 'txt'],
    [json, 'json'],
  ] as const) {
    link.addEventListener('click', (event) => {
      // A plain activation only (a left click, Enter). A middle click, a modified click or "save link as"
      // stay the browser's own: the link keeps its href for them.
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey || !link.href) return;
      event.preventDefault();
      if (!downloading.has(link)) void download(link, `chat.${extension}`);
    });
  }

  cancelButton.addEventListener('click', () => {
    confirming = undefined;
    modal.close();
  });
  confirmButton.addEventListener('click', () => {
    const code = confirming?.code;
    confirming = undefined;
    if (code === undefined || erasing.has(code)) {
      modal.close();
      return;
    }
    erasing.add(code);
    confirmButton.disabled = true;
    renderErase();
    modal.close();
    // The Erase button is off now (and stays so once nothing is left to erase): the focus goes to the
    // conversation's title, there whatever the outcome, which is read out with it.
    title.focus();
    void options.erase(code).finally(() => {
      erasing.delete(code);
      renderErase();
    });
  });
  eraseButton.addEventListener('click', () => {
    if (shown === undefined || erasing.has(shown.code) || modal.isOpen || eraseButton.getAttribute('aria-disabled') === 'true') return;
    confirming = shown;
    confirmButton.disabled = false;
    renderConfirmation();
    modal.open(eraseButton);
    // Cancel first: Enter or Escape straight away never erases.
    cancelButton.focus();
  });

  /** The confirmation names the conversation it erases in, as its title on the page does (when it began). */
  function renderConfirmation(): void {
    if (confirming !== undefined) setText(confirmTitle, t('confirmTitle', { when: chatWhen(confirming.started_at, options.lang()) }));
  }

  /** The conversation's facts as last written (label, value, …): written again only when they differ. */
  let metaShown = '';

  function renderMeta(items: [MyTextKey, string][]): void {
    const texts = items.map(([label, value]) => [t(label), value] as const);
    const key = JSON.stringify(texts);
    if (key === metaShown) return;
    metaShown = key;
    meta.replaceChildren(...texts.flatMap(([label, value]) => [element('dt', '', label), element('dd', '', value)]));
  }

  function render(): void {
    if (!shown) return;
    setText(title, t('conversationTitle', { when: chatWhen(shown.started_at, options.lang()) }));
    renderMeta([
      ['startedAt', plainTime(shown.started_at)],
      ['endedAt', shown.ended_at ? plainTime(shown.ended_at) : t('notEnded')],
      ['timezone', shown.timezone],
    ]);
    const urls = downloadUrls(shown.code, options.lang());
    // The files are named by the server (Content-Disposition: when the chat began), fetched or followed.
    setAttr(txt, 'href', urls.txt);
    setAttr(txt, 'download', '');
    setAttr(json, 'href', urls.json);
    setAttr(json, 'download', '');
    renderErase();
    list.render(shown.messages, options.lang());
    setHidden(empty, shown.messages.length > 0);
    renderConfirmation();
  }

  /**
   * The Erase button and its hint alone: what a timer or an erasure's start and end change. The messages
   * stay as they are — a screen reader's place and a selection in them too, and a long chat is not rebuilt.
   */
  function renderErase(): void {
    if (!shown) return;
    const button = eraseWait.button(shown, shownAtMs, erasing.has(shown.code));
    // Written only when it changes: a live reading of the page is not disturbed for nothing.
    // aria-disabled, not disabled: a disabled button is skipped by Tab, and its hint (why, until when) was
    // never reached from the keyboard.
    setAttr(eraseButton, 'aria-disabled', button.enabled ? null : 'true');
    setText(eraseHint, button.hint ? t(button.hint.key, button.hint.params) : '');
    setHidden(eraseHint, button.hint === undefined);
    setAttr(eraseButton, 'aria-describedby', button.hint ? eraseHint.id : null);
  }

  return {
    show(transcript, receivedAtMs) {
      if (confirming !== undefined && confirming.code !== transcript.code) {
        // The holder confirms about what they looked at; with another chat behind the dialog now, a
        // click on Erase could mean either. Nothing is erased: they ask again from the chat they want.
        confirming = undefined;
        replacedBehind = true;
        modal.close();
        options.confirmationDropped();
      }
      shown = transcript;
      shownAtMs = receivedAtMs;
      render();
      root.hidden = false;
    },
    markOwnErased(code, erasedAt) {
      if (shown?.code !== code) return;
      const messages = shown.messages.map((m): TranscriptMessage => {
        if (m.from !== 'me' || m.erased_at !== undefined) return m;
        // As the server keeps it: the text is gone, the marker says when and by whom.
        const { text: _gone, ...kept } = m;
        return { ...kept, erased_at: erasedAt, erased_by: 'sender' };
      });
      shown = { ...shown, messages };
      render();
    },
    render,
    get code() {
      return shown?.code;
    },
  };
}
