/**
 * "Save" on the chat and chat-ended screens: a small dialog offering the conversation on screen as a text
 * file or a web page (transcript-file.ts), downloaded straight from the page — with the chat's receipt code
 * once it ended, so that the file keeps the way to erase one's messages. With nothing said yet, a toast says
 * so instead.
 */
import { getLang, showText, t } from './i18n.js';
import type { MessageList } from './message-list.js';
import { createModal } from './modal.js';
import type { Toast } from './toast.js';
import { transcriptFileName, transcriptHtml, transcriptText, zoneOf, type TranscriptEntry, type TranscriptLabels } from './transcript-file.js';
import { byTestId } from './dom.js';
import { downloadFile as download } from '../shared/download.js';

export interface SaveDialog {
  open(opener: HTMLElement | null): void;
}

function labels(entries: readonly TranscriptEntry[], receiptCode: string | undefined): TranscriptLabels {
  const zone = zoneOf(entries[0]?.message.timestamp);
  return {
    lang: getLang(),
    title: t('transcriptTitle'),
    ...(receiptCode ? { receiptLine: t('transcriptReceipt', { n: receiptCode }) } : {}),
    zoneLine: t('transcriptZone', { n: zone }),
    me: t('transcriptMe'),
    stranger: t('stranger'),
    separator: getLang() === 'zh-CN' ? '：' : ': ',
  };
}

/**
 * `receiptCode`: the receipt of the chat on screen, once it ended (the file then says it, and what it is for).
 */
export function createSaveDialog(dialog: HTMLDialogElement, messages: MessageList, toast: Toast, receiptCode: () => string | undefined): SaveDialog {
  const modal = createModal(dialog);
  const lead = byTestId('save-lead', HTMLElement, dialog);

  const save = (extension: 'txt' | 'html'): void => {
    const entries = messages.shown();
    const words = labels(entries, receiptCode());
    const name = transcriptFileName(t('fileNamePrefix'), entries, extension);
    if (extension === 'txt') download(name, 'text/plain;charset=utf-8', transcriptText(entries, words));
    else download(name, 'text/html;charset=utf-8', transcriptHtml(entries, words));
    modal.close();
  };
  byTestId('save-txt', HTMLButtonElement, dialog).addEventListener('click', () => save('txt'));
  byTestId('save-html', HTMLButtonElement, dialog).addEventListener('click', () => save('html'));
  byTestId('save-cancel', HTMLButtonElement, dialog).addEventListener('click', () => modal.close());

  return {
    open(opener) {
      const entries = messages.shown();
      if (entries.length === 0) return toast.show(t('saveEmpty'));
      showText(lead, 'saveLead', zoneOf(entries[0]?.message.timestamp));
      modal.open(opener);
    },
  };
}
