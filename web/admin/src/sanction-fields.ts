/**
 * The fields every sanction form shares — kind, scope (identity, network, both), duration with presets —
 * filled into the selects marked `data-kind-select`, `data-scope-select`, `data-duration-select`, and the
 * rules between them: "permanent" only for a ban, no duration for a dismissal, no network scope when the
 * person's network is not known. Options carry `data-i18n`, so a language switch relabels them.
 */
import type { SanctionKind } from '../../../src/shared/protocol.js';
import { element } from './dom.js';
import { t, type TextKey } from './i18n.js';

export type Scope = 'identity' | 'address' | 'both';

/** 1 hour, 24 hours, 7 days, 30 days; the empty value is "permanent". */
export const DURATION_PRESETS_S = [3_600, 86_400, 604_800, 2_592_000] as const;
const DEFAULT_DURATION_S = 86_400;
const KINDS: SanctionKind[] = ['warning', 'muted', 'banned'];
const SCOPES: Scope[] = ['identity', 'address', 'both'];

function option(value: string, key: TextKey): HTMLOptionElement {
  const el = element('option', '', t(key));
  el.value = value;
  el.dataset['i18n'] = key;
  return el;
}

function select(form: HTMLFormElement, marker: string): HTMLSelectElement | null {
  return form.querySelector<HTMLSelectElement>(`select[${marker}]`);
}

let warnings = 0;

/**
 * Under the scope select, while "network" or "both" is chosen: who else such a sanction falls on. Everyone
 * behind that address is sanctioned (a school, an office, a mobile carrier's shared address), the person
 * who reported included when they share it; they are told only that it is on their network's address
 * (`shared_network`), not this sanction's reason.
 */
export function syncScopeWarning(form: HTMLFormElement): void {
  const scope = select(form, 'data-scope-select');
  if (!scope) return;
  let warning = form.querySelector<HTMLElement>('[data-scope-warning]');
  if (!warning) {
    warning = element('p', 'form-note field-wide scope-warning', t('scopeNetworkWarning'));
    warning.dataset['scopeWarning'] = '';
    warning.dataset['i18n'] = 'scopeNetworkWarning';
    warning.dataset['testid'] = 'scope-warning';
    warning.id = `scope-warning-${++warnings}`;
    (scope.closest('label') ?? scope).after(warning);
    scope.addEventListener('change', () => syncScopeWarning(form));
  }
  const shown = !scope.disabled && scope.value !== 'identity';
  warning.hidden = !shown;
  // Network alone is issued to nobody's identity: nobody is told the note, the person reported included.
  if (shown) showScopeText(warning, scope.value === 'address' ? 'scopeAddressWarning' : 'scopeNetworkWarning');
  if (shown) scope.setAttribute('aria-describedby', warning.id);
  else scope.removeAttribute('aria-describedby');
}

function showScopeText(el: HTMLElement, key: 'scopeAddressWarning' | 'scopeNetworkWarning'): void {
  el.dataset['i18n'] = key;
  el.textContent = t(key);
}

/** Fills the form's selects (at start, and again when a form is reused). */
export function fillSanctionSelects(form: HTMLFormElement): void {
  select(form, 'data-kind-select')?.replaceChildren(...KINDS.map((kind) => option(kind, `kind_${kind}`)));
  select(form, 'data-scope-select')?.replaceChildren(...SCOPES.map((scope) => option(scope, `scope_${scope}`)));
  syncScopeWarning(form);
  const duration = select(form, 'data-duration-select');
  if (duration) {
    duration.replaceChildren(...DURATION_PRESETS_S.map((s) => option(String(s), `duration_${s}`)), option('', 'duration_forever'));
    duration.value = String(DEFAULT_DURATION_S);
  }
}

/**
 * Applies the rules for what is chosen now: `banned` allows "permanent", `dismiss` needs no duration or
 * scope at all, anything else lasts a preset time.
 */
export function syncDuration(form: HTMLFormElement, kind: SanctionKind | 'dismiss' | undefined): void {
  const duration = select(form, 'data-duration-select');
  const scope = select(form, 'data-scope-select');
  if (!duration) return;
  const forever = duration.querySelector<HTMLOptionElement>('option[value=""]');
  if (forever) forever.disabled = kind !== 'banned';
  if (kind !== 'banned' && duration.value === '') duration.value = String(DEFAULT_DURATION_S);
  duration.disabled = kind === 'dismiss';
  if (scope) scope.disabled = kind === 'dismiss';
  syncScopeWarning(form);
}

/** Whether a sanction by network can be chosen (the person's network is known). */
export function allowNetworkScope(form: HTMLFormElement, allowed: boolean): void {
  const scope = select(form, 'data-scope-select');
  if (!scope) return;
  for (const opt of scope.options) if (opt.value !== 'identity') opt.disabled = !allowed;
  if (!allowed) scope.value = 'identity';
  syncScopeWarning(form);
}

/** The chosen duration in seconds, or null for "permanent". */
export function durationOf(form: HTMLFormElement): number | null {
  const value = select(form, 'data-duration-select')?.value ?? '';
  return value === '' ? null : Number(value);
}

export function scopeOf(form: HTMLFormElement): Scope {
  const value = select(form, 'data-scope-select')?.value;
  return value === 'address' || value === 'both' ? value : 'identity';
}

export function kindOf(form: HTMLFormElement): SanctionKind {
  const value = select(form, 'data-kind-select')?.value;
  return value === 'muted' || value === 'banned' ? value : 'warning';
}

/** "7 days" or "permanent", for confirmations. */
export function durationLabel(seconds: number | null): string {
  if (seconds === null) return t('duration_forever');
  const key = `duration_${seconds}`;
  return (DURATION_PRESETS_S as readonly number[]).includes(seconds) ? t(key as TextKey) : `${seconds} s`;
}

/** A ban's confirmation: who, and for how long — a timed ban read as permanent when the length came after. */
export function banConfirmText(userId: string, seconds: number | null): string {
  return seconds === null ? t('confirmBanForeverText', { n: userId }) : t('confirmBanText', { n: userId, d: durationLabel(seconds) });
}

/** Shows an error line under a form (hidden when `text` is undefined). */
export function showFormError(el: HTMLElement, text: string | undefined): void {
  el.textContent = text ?? '';
  el.hidden = text === undefined;
}
