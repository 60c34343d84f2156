/**
 * Private rooms on the start screen (a disclosure under the start button): "create a private room", and
 * a key field with "join with a key". Both go through the same door as starting (the rules gate), then
 * to the flow, which waits in the room or opens the chat. A key refused (empty, or one that opens nothing
 * once asked) gives the focus back to the key field, its text kept and selected to be corrected or typed
 * over: the screen change would otherwise leave it on the start screen's heading, under the toast.
 * A page opened by a room's link (`#key=…`, private-link.ts) — or whose address changes to one — opens
 * the disclosure with the key filled in and says so; joining is still the person's press. A link opened
 * while the start screen is away (waiting, chatting) is acknowledged at once and its key kept for the
 * start screen's return, filled in after the key of the wait cancelled (`keep`): the old key in its place
 * would have the person enter the old room as the note tells them to, and the friends wait in two rooms.
 * Enter in the key field while joining is off only for the unticked rules goes to the rules.
 */
import { byTestId } from './dom.js';
import { keyFromHash } from './private-link.js';
import { privateTexts, showPrivateText } from './private-texts.js';
import { focusIsLost } from './screen-focus.js';
import type { Toast } from './toast.js';

export interface PrivateStartActions {
  /** Whatever the door asks first (accepting the rules): false stops here. */
  pass(): Promise<boolean>;
  create(): void;
  /** Enters the room of `key`: resolves true when it was refused and the page is back at the start. */
  join(key: string): Promise<boolean>;
  /** When only the unticked rules keep the ways in off: takes the person to them (true); else false. */
  toRules(): boolean;
  toast: Toast;
}

export interface PrivateStart {
  /** Puts the key of a room just left at hand in the key field — unless a link's key is there or on its way. */
  keep(key: string): void;
}

export function attachPrivateStart(section: HTMLElement, actions: PrivateStartActions): PrivateStart {
  const create = byTestId('create-private-btn', HTMLButtonElement, section);
  const form = byTestId('join-private-form', HTMLFormElement, section);
  const input = byTestId('private-key-input', HTMLInputElement, section);
  const join = form.querySelector<HTMLButtonElement>('button[type="submit"]');
  const startScreen = section.closest<HTMLElement>('.screen') ?? section;

  /**
   * Back to the key after a refusal — unless the person has put the focus elsewhere meanwhile (the top
   * bar): only a focus the screen change moved (to the start screen's heading) or dropped is taken back.
   */
  const backToKey = (): void => {
    if (!focusIsLost() && !startScreen.contains(document.activeElement)) return;
    input.focus();
    input.select();
  };

  const fromLink = section.querySelector<HTMLElement>('[data-testid="private-from-link"]');
  /** A link's key that came while the start screen was away: filled in when it is back. */
  let linkKey: string | null = null;
  /** `focus`: always (the link opened on the start screen), or only where the screen change left it. */
  const fill = (key: string, focus: 'always' | 'if-lost'): void => {
    if (section instanceof HTMLDetailsElement) section.open = true;
    input.value = key;
    if (fromLink) {
      // Shown first, then written: a status region that appears with its text already in it may not be read.
      fromLink.hidden = false;
      showPrivateText(fromLink, 'privateFromLink');
    }
    // Back at the start, the screen's heading has the focus: the key is where to go on. Not over a focus
    // put elsewhere on purpose (the rules asked for again).
    if (focus === 'always' || focusIsLost() || document.activeElement?.hasAttribute('data-screen-focus')) input.focus();
  };
  /** The key a link carries, into the key field; the link leaves the address bar (a reload joins nothing). */
  const openLink = (): void => {
    const key = keyFromHash(location.hash);
    if (key === null) return;
    history.replaceState(history.state, '', location.pathname + location.search);
    if (!startScreen.hidden) return fill(key, 'always');
    linkKey = key;
    actions.toast.show(privateTexts.t('privateLinkKept'));
  };
  const linkSaid = (): void => {
    if (fromLink) fromLink.hidden = true;
  };
  openLink();
  addEventListener('hashchange', openLink);
  // The line is about the key as the link gave it: gone once the key is edited, used, or the screen left.
  input.addEventListener('input', linkSaid);
  form.addEventListener('submit', linkSaid);
  new MutationObserver(() => {
    if (startScreen.hidden) return linkSaid();
    if (linkKey === null) return;
    const key = linkKey;
    linkKey = null;
    fill(key, 'if-lost');
  }).observe(startScreen, { attributes: true, attributeFilter: ['hidden'] });
  // Implicit submission does nothing while Join is off: Enter says why instead of nothing at all.
  input.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || event.isComposing || !join?.disabled) return;
    if (actions.toRules()) event.preventDefault();
  });

  create.addEventListener('click', () => void actions.pass().then((passed) => passed && actions.create()));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (key === '') {
      actions.toast.show(privateTexts.t('privateKeyEmpty'));
      input.focus();
      return;
    }
    void actions.pass().then(async (passed) => {
      if (passed && (await actions.join(key))) backToKey();
    });
  });

  return {
    keep(key) {
      // A link's key, filled in and not yet touched (its line still says so), stays: it is the newer one.
      if (linkKey !== null || (fromLink !== null && !fromLink.hidden)) return;
      input.value = key;
      if (section instanceof HTMLDetailsElement) section.open = true;
    },
  };
}
