/**
 * What the page shows of a sanction (`sanction {kind, reason, until?, lifted?}`): a ban covers the page with
 * a full-screen notice (reason, end or "permanently") and disables starting; a mute puts a banner above the
 * composer and a line under the start button, and disables sending and starting; a warning is a notice the person can dismiss. A BANNED or MUTED answer to a
 * request shows the same, with what is known of it.
 *
 * One sanction per kind: the server sends, for the kind concerned, the longest still in force (a new warning
 * itself) or `lifted` when none of that kind is left; each kind replaces only its own, so a warning issued
 * during a ban leaves the ban. Each ends by itself at `until` — the longest of its kind, so nothing of that
 * kind is left then. At every connection the `session` carries what is in force, one per kind, and replaces
 * what is shown in one go: a lift missed while away goes, what is still on stays untouched (no flash of the
 * start screen, no focus moved, no notice read out again).
 */
import type { SanctionKind, SanctionPayload } from '../../src/shared/protocol.js';
import { byTestId } from './dom.js';
import { formatDateTime } from './format-time.js';
import { showText, type TextKey } from './i18n.js';
import { showReason } from './report-reasons.js';
import { focusIsLost } from './screen-focus.js';

/** What sanctions forbid right now. */
export interface Restrictions {
  banned: boolean;
  muted: boolean;
}

export interface SanctionElements {
  /** The screens' container: marked while banned, which hides every screen but the ban notice. */
  screens: HTMLElement;
  banScreen: HTMLElement;
  muteBanner: HTMLElement;
  /** The start screen's line while muted: why starting is off, until when. */
  muteStart: HTMLElement;
  warning: HTMLElement;
  /** Buttons that join the queue: disabled while banned or muted. */
  joinButtons: HTMLButtonElement[];
}

export interface SanctionNotices {
  apply(payload: SanctionPayload): void;
  /**
   * A new connection's `session`, with what is in force (one per kind): shown instead of what was, in one go
   * — a lift missed while away goes, what is still on stays on screen untouched.
   */
  replace(inForce: readonly SanctionPayload[]): void;
  /** A request was answered BANNED or MUTED. */
  refused(code: 'BANNED' | 'MUTED'): void;
}

/** A sanction shown: what the server said, or (after a refused request only) nothing more than its kind. */
type Shown = { kind: SanctionKind; reason?: string; until?: string };

/** setTimeout's longest delay (about 24.8 days); a later end is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const DISMISSED_KEY = 'dismissed-warning';

export function createSanctionNotices(els: SanctionElements, changed: (restrictions: Restrictions) => void): SanctionNotices {
  const shown: Partial<Record<SanctionKind, Shown>> = {};
  /** The last details the server gave per kind, for a BANNED/MUTED answer that comes without any. */
  const known: Partial<Record<SanctionKind, Shown>> = {};
  const timers: Partial<Record<SanctionKind, ReturnType<typeof setTimeout>>> = {};
  const banTitle = byTestId('ban-title', HTMLElement, els.banScreen);
  const restrictions = (): Restrictions => ({ banned: shown.banned !== undefined, muted: shown.muted !== undefined });

  /** What a mute's end line says: until when, for good, or (told by a refusal only) just that it is on. */
  const muteEnd = (mute: Shown | undefined): [TextKey, string?] => {
    if (mute?.reason === undefined) return ['mutedNow'];
    return mute.until === undefined ? ['mutedForever'] : ['mutedUntil', formatDateTime(mute.until)];
  };

  /** Fills a notice's reason and end lines (`<prefix>-reason`, `<prefix>-until`), hidden when not known. */
  const describe = (root: HTMLElement, prefix: 'ban' | 'mute', sanction: Shown | undefined): void => {
    const reasonLine = byTestId(`${prefix}-reason`, HTMLElement, root);
    const endLine = byTestId(`${prefix}-until`, HTMLElement, root);
    const reason = sanction?.reason;
    reasonLine.hidden = reason === undefined || reason === '';
    if (reason !== undefined) showReason(byTestId('reason-value', HTMLElement, reasonLine), reason);
    endLine.hidden = reason === undefined && prefix === 'ban';
    // Without details the ban notice says enough; the mute banner says just that the mute is on.
    if (prefix === 'mute') showText(endLine, ...muteEnd(sanction));
    else if (reason !== undefined && sanction?.until !== undefined) showText(endLine, 'bannedUntil', formatDateTime(sanction.until));
    else if (reason !== undefined) showText(endLine, 'bannedForever');
    // "While the ban lasts" beside "banned permanently" reads as if it ended: a ban for good says so.
    const body = root.querySelector<HTMLElement>('.ban-body');
    if (prefix === 'ban' && body) showText(body, reason !== undefined && sanction?.until === undefined ? 'banBodyForever' : 'banBody');
  };

  const dismissedWarning = (): string | null => {
    try {
      return sessionStorage.getItem(DISMISSED_KEY);
    } catch {
      return null;
    }
  };
  const warningKey = (warning: Shown): string => `${warning.reason ?? ''}|${warning.until ?? ''}`;

  /** The mute's line shown now: under Start, or in the chat's banner. */
  const muteLine = (): HTMLElement | undefined =>
    [els.muteStart, byTestId('mute-until', HTMLElement, els.muteBanner)].find((el) => el.getClientRects().length > 0);

  const render = (): void => {
    const wasBanned = !els.banScreen.hidden;
    const wasMuted = !els.muteBanner.hidden;
    const before = document.activeElement;
    const banned = shown.banned !== undefined;
    els.screens.dataset['banned'] = String(banned);
    els.banScreen.hidden = !banned;
    for (const button of els.joinButtons) button.disabled = banned || shown.muted !== undefined;
    describe(els.banScreen, 'ban', shown.banned);
    const muted = shown.muted !== undefined;
    els.muteBanner.hidden = !muted;
    describe(els.muteBanner, 'mute', shown.muted);
    // The banner's end line, said again under the start button (the banner is the chat screen's).
    els.muteStart.hidden = shown.muted === undefined || banned;
    if (shown.muted !== undefined) showText(els.muteStart, ...muteEnd(shown.muted));
    const warning = shown.warning;
    els.warning.hidden = warning === undefined || dismissedWarning() === warningKey(warning);
    if (warning) showReason(byTestId('reason-value', HTMLElement, els.warning), warning.reason ?? '');
    // First, so that open dialogs are closed (the page behind a modal dialog cannot take the focus).
    changed(restrictions());
    // Whatever had the focus is gone with the screens: the notice's title takes it (and is read out).
    if (banned && !wasBanned) banTitle.focus();
    // A mute disables what may have had the focus (the input being typed in, Start): the line that says why
    // takes it, not the page's body.
    // (Also when a ban lifted leaves a mute: the ban's title had the focus, and is gone.)
    else if (!banned && muted && (!wasMuted || wasBanned) && lostWith(before)) muteLine()?.focus();
  };

  const end = (kind: SanctionKind): void => {
    clearTimeout(timers[kind]);
    delete timers[kind];
    delete shown[kind];
  };

  // A sanction replaces the one of its kind; a weaker one issued later (a warning during a ban) never ends a
  // stronger one — a lift says so itself (`lifted`).
  /**
   * Takes what the server says of one kind; false when it changes nothing shown (the same sanction told
   * again — after a `session` that carried it, say — or a lift of nothing): the notices are live regions,
   * rewritten they would be read out again.
   */
  const take = (payload: SanctionPayload): boolean => {
    if (payload.lifted) {
      delete known[payload.kind];
      if (shown[payload.kind] === undefined) return false;
      end(payload.kind);
      return true;
    }
    const sanction: Shown = { kind: payload.kind, reason: payload.reason, ...(payload.until === undefined ? {} : { until: payload.until }) };
    known[payload.kind] = sanction;
    const now = shown[payload.kind];
    if (now !== undefined && now.reason === sanction.reason && now.until === sanction.until) return false;
    show(sanction);
    return true;
  };

  const show = (sanction: Shown): void => {
    end(sanction.kind);
    shown[sanction.kind] = sanction;
    if (sanction.until === undefined) return;
    const endsAt = Date.parse(sanction.until);
    if (Number.isNaN(endsAt)) return; // unreadable: it lasts until lifted
    const check = (): void => {
      const left = endsAt - Date.now();
      if (left > 0) timers[sanction.kind] = setTimeout(check, Math.min(left, MAX_TIMER_MS));
      else if (shown[sanction.kind] === sanction) {
        end(sanction.kind);
        render();
      }
    };
    check();
  };

  byTestId('warning-dismiss', HTMLButtonElement, els.warning).addEventListener('click', () => {
    if (shown.warning) {
      try {
        sessionStorage.setItem(DISMISSED_KEY, warningKey(shown.warning));
      } catch {
        // Not remembered: it shows again after a reload while it is in force.
      }
    }
    els.warning.hidden = true;
  });

  return {
    apply(payload) {
      if (take(payload)) render();
    },
    replace(inForce) {
      let changed = false;
      for (const kind of ['warning', 'muted', 'banned'] as const) {
        const payload = inForce.find((p) => p.kind === kind);
        changed = take(payload ?? { kind, reason: '', lifted: true }) || changed;
      }
      if (changed) render();
    },
    refused(code) {
      const kind: SanctionKind = code === 'BANNED' ? 'banned' : 'muted';
      if (shown[kind]) return;
      const last = known[kind];
      const stillOn = last !== undefined && (last.until === undefined || Date.parse(last.until) > Date.now());
      show(stillOn ? last : { kind });
      render();
    },
  };
}

/** `before` had the focus and has lost it: disabled, hidden, or the focus fell to the page's body. */
function lostWith(before: Element | null): boolean {
  if (!(before instanceof HTMLElement) || before === document.body) return false;
  const disabled = (before instanceof HTMLButtonElement || before instanceof HTMLTextAreaElement || before instanceof HTMLInputElement) && before.disabled;
  return disabled || before.getClientRects().length === 0 || focusIsLost();
}
