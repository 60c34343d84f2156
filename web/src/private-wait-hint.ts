/**
 * On the waiting screen of someone who entered a room's key (not its creator, who has the key to share):
 * under the title, that the chat starts when the other person enters the same key and that the room stays
 * — they may cancel and come back later with it — with the key they entered and Copy, so they still have it
 * after cancelling. The server never says whether the other person is there (nor will it), so after
 * LATE_AFTER_MS without them one polite status line says they have not come yet and may have left: keep
 * waiting, or cancel and try later with the same key. Built here, so the page's markup stays as it is.
 */
import { element } from './dom.js';
import { createKeyBox, keyLine } from './key-box.js';
import { showPrivateText } from './private-texts.js';
import './private-room-notes.css';

/** How long a wait entered by key goes on before the page says the other person may not come. */
export const LATE_AFTER_MS = 30_000;

export interface WaitHint {
  /** A wait in the room of `key` begins (or is shown again after a reload): the lead, the key, the clock. */
  show(key: string): void;
  /** The wait is over, or is not one entered by key: hidden, its clock stopped. */
  hide(): void;
  /** Renders the Copy button's name again (after a language switch). */
  retranslate(): void;
}

/** Built at the end of `panel` (the private wait's part of the waiting screen). */
export function createWaitHint(panel: HTMLElement): WaitHint {
  const root = element('div', 'private-entered');
  root.dataset['testid'] = 'private-entered';
  root.hidden = true;
  const lead = element('p', 'private-entered-lead');
  lead.dataset['testid'] = 'private-entered-lead';
  showPrivateText(lead, 'privateWaitingLead');
  const keyBox = keyLine('private-entered');
  // In the document (and empty) from the start: a status region that appears with its text may not be read.
  const late = element('p', 'private-late');
  late.dataset['testid'] = 'private-late';
  late.setAttribute('role', 'status');
  root.append(lead, keyBox, late);
  panel.append(root);
  const box = createKeyBox(root, 'private-entered');
  let timer: ReturnType<typeof setTimeout> | undefined;

  const stop = (): void => {
    clearTimeout(timer);
    timer = undefined;
    late.textContent = '';
    delete late.dataset['i18n'];
  };

  return {
    show(key) {
      stop();
      box.show(key);
      root.hidden = false;
      timer = setTimeout(() => showPrivateText(late, 'privateWaitingLate'), LATE_AFTER_MS);
    },
    hide() {
      stop();
      root.hidden = true;
    },
    retranslate: box.retranslate,
  };
}
