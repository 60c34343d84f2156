/**
 * The report dialog: a reason (required), an optional note with its counter, and the partner's messages
 * of the chat to tick as evidence. It sends `report` for that chat's room and says so when it is done;
 * a refusal is shown inside the dialog with the shared error texts. The reported person is never told.
 */
import type { ChatMessage, MAX_REPORT_NOTE_CHARS, ReportPayload, ReportReason, ReportResult } from '../../src/shared/protocol.js';
import type { Result } from './chat-client.js';
import { byTestId, element } from './dom.js';
import { formatClock } from './format-time.js';
import { errorText, showText, t } from './i18n.js';
import { createModal } from './modal.js';
import { REASON_TEXT, REPORT_REASONS } from './report-reasons.js';
import type { Toast } from './toast.js';

/** The protocol's limit (checked at compile time: protocol.ts is imported for types only). */
const MAX_NOTE_CHARS: typeof MAX_REPORT_NOTE_CHARS = 500;
/** `message_ids` takes at most this many (the `report` schema's limit). */
const MAX_MESSAGES = 100;

/** What is being reported: a chat the person was in, and what the partner wrote in it. */
export interface ReportTarget {
  roomId: number;
  partnerMessages: ChatMessage[];
}

export interface ReportDialog {
  open(target: ReportTarget, opener: HTMLElement): void;
  close(): void;
}

export function createReportDialog(
  dialog: HTMLDialogElement,
  send: (payload: ReportPayload) => Promise<Result<ReportResult>>,
  toast: Toast,
): ReportDialog {
  const modal = createModal(dialog);
  const form = byTestId('report-form', HTMLFormElement, dialog);
  const reasons = byTestId('report-reasons', HTMLElement, dialog);
  const note = byTestId('report-note', HTMLTextAreaElement, dialog);
  const counter = byTestId('report-note-count', HTMLElement, dialog);
  const noteTooLong = byTestId('report-note-too-long', HTMLElement, dialog);
  const list = byTestId('report-messages', HTMLElement, dialog);
  const noMessages = byTestId('report-no-messages', HTMLElement, dialog);
  const error = byTestId('report-error', HTMLElement, dialog);
  /** "Choose a reason", under the reasons: the dialog's own error line is below the fold of a phone's dialog. */
  const reasonError = byTestId('report-reason-error', HTMLElement, dialog);
  const submit = byTestId('report-submit', HTMLButtonElement, dialog);
  const done = byTestId('report-done', HTMLElement, dialog);
  const closeButton = byTestId('report-close', HTMLButtonElement, dialog);
  let target: ReportTarget | null = null;
  /** Bumped at every opening, so an answer for an earlier opening does not touch the dialog. */
  let opening = 0;

  const radios = REPORT_REASONS.map((reason) => {
    const label = element('label', 'choice');
    const radio = element('input', 'choice-input');
    radio.type = 'radio';
    radio.name = 'reason';
    radio.value = reason;
    radio.dataset['testid'] = `report-reason-${reason}`;
    const name = element('span', 'choice-text');
    showText(name, REASON_TEXT[reason]);
    label.append(radio, name);
    reasons.append(label);
    return radio;
  });

  const checkboxes = (): HTMLInputElement[] => [...list.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')];

  /** The note's length as the server counts it: UTF-16 units of the text sent (trimmed). */
  const noteOver = (): boolean => note.value.trim().length > MAX_NOTE_CHARS;

  /**
   * The note's counter. A longer note is kept whole (a `maxlength` cut a paste's end unseen): the counter
   * turns red, the line under the note says so in words, and Send refuses it until it fits.
   */
  const refreshCounter = (): void => {
    const over = noteOver();
    counter.textContent = `${note.value.trim().length}/${MAX_NOTE_CHARS}`;
    counter.dataset['over'] = String(over);
    note.setAttribute('aria-invalid', String(over));
    // Written only as it appears: a live region rewritten at each keystroke is read out each time.
    if (over !== !noteTooLong.hidden) showText(noteTooLong, over ? 'reportNoteTooLong' : null, MAX_NOTE_CHARS);
    noteTooLong.hidden = !over;
  };

  /** Past the limit, the messages not ticked yet cannot be ticked. */
  const refreshLimit = (): void => {
    const boxes = checkboxes();
    const full = boxes.filter((box) => box.checked).length >= MAX_MESSAGES;
    for (const box of boxes) box.disabled = full && !box.checked;
  };

  const showError = (text: string | null): void => {
    error.textContent = text ?? '';
    error.hidden = text === null;
  };

  const renderMessages = (messages: ChatMessage[]): void => {
    list.replaceChildren(
      ...messages.map((message) => {
        const item = element('li', 'evidence-item');
        const label = element('label', 'choice evidence-choice');
        const box = element('input', 'choice-input');
        box.type = 'checkbox';
        box.value = String(message.id);
        box.dataset['testid'] = 'report-message';
        const text = element('span', 'evidence-text', message.content);
        text.dir = 'auto';
        const time = element('time', 'evidence-time', formatClock(message.timestamp));
        time.dateTime = message.timestamp;
        label.append(box, text, time);
        item.append(label);
        return item;
      }),
    );
    list.hidden = messages.length === 0;
    noMessages.hidden = messages.length > 0;
  };

  const reset = (): void => {
    form.reset();
    form.hidden = false;
    form.removeAttribute('aria-busy');
    submit.disabled = false;
    showError(null);
    reasonError.hidden = true;
    done.hidden = true;
    showText(byTestId('report-done-text', HTMLElement, done), null);
    refreshCounter();
  };

  note.addEventListener('input', refreshCounter);
  reasons.addEventListener('change', () => {
    reasonError.hidden = true;
    showError(null);
  });
  list.addEventListener('change', refreshLimit);
  closeButton.addEventListener('click', () => modal.close());
  byTestId('report-cancel', HTMLButtonElement, dialog).addEventListener('click', () => modal.close());
  modal.onClose(() => {
    target = null;
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!target || submit.disabled) return;
    if (noteOver()) {
      refreshCounter();
      note.focus();
      return;
    }
    const reason = radios.find((radio) => radio.checked)?.value as ReportReason | undefined;
    if (!reason) {
      showText(reasonError, 'reportPickReason');
      reasonError.hidden = false;
      radios[0]?.focus();
      // The first reason takes the focus; the line under the last one is what must be seen.
      reasonError.scrollIntoView({ block: 'nearest' });
      return;
    }
    const messageIds = checkboxes()
      .filter((box) => box.checked)
      .map((box) => Number(box.value));
    const text = note.value.trim();
    const payload: ReportPayload = {
      reason,
      room_id: target.roomId,
      ...(messageIds.length > 0 ? { message_ids: messageIds } : {}),
      ...(text === '' ? {} : { note: text }),
    };
    const mine = opening;
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    showError(null);
    void send(payload).then((res) => {
      // Closed meanwhile: the outcome still gets said.
      if (mine !== opening || !modal.isOpen) return toast.show(res.ok ? t('reportDone') : errorText(res));
      submit.disabled = false;
      form.removeAttribute('aria-busy');
      if (!res.ok) return showError(errorText(res));
      form.hidden = true;
      done.hidden = false;
      // Filled once visible, so screen readers announce it (role="status").
      showText(byTestId('report-done-text', HTMLElement, done), 'reportDone');
      closeButton.focus();
    });
  });

  return {
    open(next, opener) {
      opening++;
      target = next;
      reset();
      renderMessages(next.partnerMessages);
      modal.open(opener);
    },
    close: () => modal.close(),
  };
}
