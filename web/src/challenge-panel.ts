/**
 * The bot-check panel: a small dialog with the ALTCHA widget, opened when the server answers
 * CHALLENGE_REQUIRED (a refused connection or join). The widget fetches a challenge from this server and
 * solves it by itself (about a second of work in a worker); its payload is handed to whoever asked, who
 * connects again with it. The person can put it off (Escape, "Not now"); what was refused stays refused.
 * When the widget fails (its challenge could not be fetched, it gave up solving, the challenge expired),
 * the panel says so and offers Retry, and retries by itself when the browser is back online.
 *
 * Built here rather than in index.html, and the widget's code loaded only when needed: most visitors
 * never see it.
 */
import { element } from './dom.js';
import { getLang } from './i18n.js';
import { challengeTexts, type ChallengeTextKey } from './challenge-texts.js';
import { createModal } from './modal.js';
import { focusIsLost, screenFocusTarget } from './screen-focus.js';
import './challenge-panel.css';

export interface ChallengePanel {
  /** Shows the panel until the widget has solved a challenge: its payload, or null if the person closed it. */
  solve(): Promise<string | null>;
}

const { t, translate } = challengeTexts;

function text<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, key: ChallengeTextKey): HTMLElementTagNameMap[K] {
  const el = element(tag, className, t(key));
  el.dataset['i18n'] = key;
  return el;
}

export function createChallengePanel(): ChallengePanel {
  const dialog = element('dialog', 'dialog dialog-small challenge-dialog');
  dialog.dataset['testid'] = 'challenge-dialog';
  dialog.setAttribute('aria-labelledby', 'challenge-title');
  dialog.setAttribute('aria-describedby', 'challenge-lead');
  const body = element('div', 'dialog-body');
  const title = text('h2', 'dialog-title', 'challengeTitle');
  title.id = 'challenge-title';
  // Where the focus goes when Retry, which had it, gives way to a new attempt (not when the dialog opens:
  // "Not now" takes it then).
  title.tabIndex = -1;
  const lead = text('p', 'dialog-lead', 'challengeLead');
  lead.id = 'challenge-lead';
  const slot = element('div', 'challenge-slot');
  slot.dataset['testid'] = 'challenge-slot';
  const problem = element('p', 'dialog-error');
  problem.dataset['testid'] = 'challenge-problem';
  problem.setAttribute('role', 'alert');
  problem.hidden = true;
  const actions = element('div', 'dialog-actions');
  const retry = text('button', 'btn btn-primary', 'challengeRetry');
  retry.type = 'button';
  retry.dataset['testid'] = 'challenge-retry';
  retry.hidden = true;
  const later = text('button', 'btn btn-ghost', 'challengeLater');
  later.type = 'button';
  later.dataset['testid'] = 'challenge-later';
  later.autofocus = true;
  actions.append(retry, later);
  body.append(title, lead, slot, problem, actions);
  dialog.append(body);
  document.body.append(dialog);

  const modal = createModal(dialog);
  let pending: { promise: Promise<string | null>; settle(payload: string | null): void } | undefined;
  /** Which widget counts: one removed from the panel may still finish its work, for a request long settled. */
  let generation = 0;

  const showProblem = (key: ChallengeTextKey | null): void => {
    problem.hidden = key === null;
    if (key === null) return;
    problem.dataset['i18n'] = key;
    problem.textContent = t(key);
  };

  /**
   * A failure, with Retry: focused when nothing in particular has the focus (the page's body, the dialog,
   * or its title, where an earlier Retry left it) — not taken from "Not now" or the widget.
   */
  const fail = (key: ChallengeTextKey): void => {
    showProblem(key);
    retry.hidden = false;
    if (focusIsLost() || document.activeElement === dialog || document.activeElement === title) retry.focus();
  };

  const hideRetry = (): void => {
    if (document.activeElement === retry) title.focus();
    retry.hidden = true;
  };

  const mountWidget = async (): Promise<void> => {
    const mounted = ++generation;
    showProblem(null);
    hideRetry();
    slot.replaceChildren();
    // Web Crypto (and so the widget) only runs on HTTPS pages and on localhost.
    if (!window.isSecureContext) return showProblem('challengeInsecure');
    // The widget solves in a worker; without one (turned off, or an old browser) it never can: Retry and
    // "back online" would promise what cannot happen.
    if (typeof Worker === 'undefined') return showProblem('challengeNoWorker');
    try {
      const { createWidget } = await import('./challenge-widget.js');
      if (mounted !== generation) return;
      const widget = createWidget(getLang());
      widget.dataset['testid'] = 'challenge-widget';
      widget.addEventListener('verified', (event) => {
        const payload = (event as CustomEvent<{ payload?: string }>).detail.payload;
        if (payload && mounted === generation) pending?.settle(payload);
      });
      // The widget's own failure text ("Try again later") has no way out but ticking it again: the
      // panel says what happened and offers Retry; a new attempt (the widget ticked again) takes it back.
      widget.addEventListener('statechange', (event) => {
        if (mounted !== generation) return;
        const { state } = (event as CustomEvent<{ state: string }>).detail;
        if (state === 'error') fail('challengeFailed');
        else if (state === 'expired') fail('challengeExpired');
        else if (state === 'verifying') {
          showProblem(null);
          hideRetry();
        }
      });
      slot.replaceChildren(widget);
    } catch {
      fail('challengeLoadFailed');
    }
  };

  retry.addEventListener('click', () => void mountWidget());
  // Most failures are a lost connection: back online, the panel tries again by itself.
  window.addEventListener('online', () => {
    if (pending && !retry.hidden) void mountWidget();
  });
  later.addEventListener('click', () => modal.close());
  modal.onClose(() => {
    generation += 1;
    pending?.settle(null);
    slot.replaceChildren();
  });
  // The page's language switch changes <html lang>: the panel, the widget and the header's "bot check…" follow.
  new MutationObserver(() => {
    translate(document.body);
    slot.querySelector('altcha-widget')?.setAttribute('language', getLang() === 'en' ? 'en' : 'zh-cn');
  }).observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });

  return {
    solve() {
      if (pending) return pending.promise;
      let settle: (payload: string | null) => void = () => undefined;
      const promise = new Promise<string | null>((resolve) => {
        settle = (payload) => {
          if (!pending) return;
          pending = undefined;
          resolve(payload);
          // Solved with nothing to give the focus back to (the check opened as the page loaded): the shown
          // screen's heading, where "Verify now" would have left it. (Put off, the dialog is closed already.)
          // Read as the dialog's close event comes: the screen may change meanwhile (the check's caller goes on).
          modal.close(screenFocusTarget);
        };
      });
      pending = { promise, settle: (payload) => settle(payload) };
      translate(dialog);
      modal.open(document.activeElement instanceof HTMLElement ? document.activeElement : null);
      void mountWidget();
      return promise;
    },
  };
}
