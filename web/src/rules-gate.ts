/**
 * The rules and age gate on the start screen. When the server asks for it (`session.rules_required`, or
 * a join answered RULES_NOT_ACCEPTED), the rules are shown (GET /api/rules, in the page's language, as
 * text) with "I am at least {min_age} and accept these rules"; the start button stays disabled until that
 * is ticked. Starting then sends `accept_rules {age_confirmed: true, rules_version}` first, and the join
 * goes on once the server has taken it. Rules that changed meanwhile (RULES_NOT_ACCEPTED on accepting)
 * are read again and shown, unticked.
 *
 * The gate owns the start button's disabled state (a ban or a mute disables it too: `setBarred`), and that of the
 * other ways in (the private rooms' buttons). Until the first `session` says whether the rules are asked
 * for, they are all disabled. While they are disabled only because the box is not ticked, a hint by each
 * says so (and describes them, `aria-describedby`): a disabled button alone does not say why.
 */
import type { AcceptRulesResult } from '../../src/shared/protocol.js';
import type { Result } from './chat-client.js';
import { byTestId } from './dom.js';
import { errorText, getLang, showText } from './i18n.js';
import type { Toast } from './toast.js';

/** What the server says must be accepted: the current version and the minimum age. */
export interface RulesRequirement {
  version: string;
  min_age: number;
}

interface LoadedRules extends RulesRequirement {
  text: string;
}

export interface RulesGateElements {
  /** The gate's panel on the start screen (title, text, checkbox). */
  panel: HTMLElement;
  start: HTMLButtonElement;
  /** Other buttons that lead to a chat and pass the same door. */
  others?: readonly HTMLButtonElement[];
  /** "Tick the rules first" lines (each with an id), shown by the buttons they describe while that is why those are disabled. */
  hints?: readonly { hint: HTMLElement; buttons: readonly HTMLButtonElement[] }[];
}

export interface RulesGate {
  /**
   * The server asks for the rules (from `session`, or after a refused join: then without details, and
   * `focus` takes the person to them).
   */
  require(requirement?: RulesRequirement, focus?: boolean): void;
  /** The server asks for nothing (a `session` without `rules_required`). */
  clear(): void;
  /**
   * Before joining: true at once when nothing is required; else sends the acceptance (the box must be
   * ticked) and says whether the server took it.
   */
  pass(): Promise<boolean>;
  /** While banned or muted, starting stays disabled whatever the gate says. */
  setBarred(barred: boolean): void;
  /** When only the unticked box keeps the ways in off, the focus goes to it (true); otherwise false. */
  toCheckbox(): boolean;
}

/** Adds `id` to (or takes it from) the element's `aria-describedby`, keeping any other ids there. */
function describedBy(el: HTMLElement, id: string, on: boolean): void {
  const ids = (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter((x) => x !== '' && x !== id);
  if (on) ids.push(id);
  if (ids.length > 0) el.setAttribute('aria-describedby', ids.join(' '));
  else el.removeAttribute('aria-describedby');
}

function isRules(value: unknown): value is LoadedRules {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['version'] === 'string' && typeof v['min_age'] === 'number' && typeof v['text'] === 'string';
}

export function createRulesGate(
  { panel, start, others = [], hints = [] }: RulesGateElements,
  accept: (version: string) => Promise<Result<AcceptRulesResult>>,
  toast: Toast,
): RulesGate {
  const text = byTestId('rules-text', HTMLElement, panel);
  const checkbox = byTestId('rules-checkbox', HTMLInputElement, panel);
  const label = byTestId('rules-accept-label', HTMLElement, panel);
  const problem = byTestId('rules-problem', HTMLElement, panel);
  const retry = byTestId('rules-retry', HTMLButtonElement, panel);

  let required = false;
  /**
   * Whether the server has said yet (its first `session`) if the rules must be accepted: until then no
   * way in is enabled — a press before it would be lost, the rules' box appearing under it a moment later.
   */
  let known = false;
  let barred = false;
  let busy = false;
  let loaded: LoadedRules | null = null;
  /** Each fetch's number: only the latest one's answer is shown (a language switch starts another). */
  let loading = 0;

  const untickedOnly = (): boolean => known && !barred && required && !busy && loaded !== null && !checkbox.checked;
  const refresh = (): void => {
    panel.hidden = !required;
    checkbox.disabled = loaded === null || busy;
    start.disabled = !known || barred || (required && (busy || loaded === null || !checkbox.checked));
    for (const button of others) button.disabled = start.disabled;
    const unticked = untickedOnly();
    for (const { hint, buttons } of hints) {
      hint.hidden = !unticked;
      for (const button of buttons) describedBy(button, hint.id, unticked);
    }
  };

  const showProblem = (key: 'rulesLoadFailed' | 'rulesChanged' | null): void => {
    problem.hidden = key === null;
    retry.hidden = key !== 'rulesLoadFailed';
    if (key !== null) showText(byTestId('rules-problem-text', HTMLElement, problem), key);
  };

  const showMinAge = (minAge: number): void => showText(label, 'rulesAccept', minAge);

  /** Fetches the rules in the page's language; a different version than the one shown is unticked. */
  const load = async (): Promise<void> => {
    const mine = ++loading;
    text.setAttribute('aria-busy', 'true');
    if (loaded === null) showText(text, 'rulesLoading');
    try {
      const res = await fetch(`/api/rules?lang=${getLang() === 'en' ? 'en' : 'zh-CN'}`, { headers: { accept: 'application/json' } });
      const body: unknown = res.ok ? await res.json() : null;
      if (!isRules(body)) throw new Error(`GET /api/rules: ${res.status}`);
      if (mine !== loading) return;
      if (loaded !== null && loaded.version !== body.version) checkbox.checked = false;
      loaded = body;
      showText(text, null, undefined, body.text);
      showMinAge(body.min_age);
      if (!problem.hidden && !retry.hidden) showProblem(null);
    } catch {
      if (mine !== loading) return;
      if (loaded === null) showText(text, null);
      showProblem('rulesLoadFailed');
    } finally {
      if (mine === loading) text.setAttribute('aria-busy', 'false');
      refresh();
    }
  };

  checkbox.addEventListener('change', refresh);
  retry.addEventListener('click', () => void load());
  // The page's language switch changes <html lang>: the rules are read again in that language.
  new MutationObserver(() => {
    if (required) void load();
  }).observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
  refresh();

  return {
    require(requirement, focus = false) {
      known = true;
      if (!required) {
        checkbox.checked = false;
        showProblem(null);
      }
      required = true;
      if (requirement) showMinAge(requirement.min_age);
      if (loaded === null || (requirement !== undefined && requirement.version !== loaded.version)) void load();
      refresh();
      if (focus) text.focus();
    },
    clear() {
      known = true;
      required = false;
      refresh();
    },
    async pass() {
      if (!required) return true;
      if (loaded === null || !checkbox.checked || busy) return false;
      busy = true;
      refresh();
      const res = await accept(loaded.version);
      busy = false;
      if (res.ok) {
        required = false;
        showProblem(null);
        refresh();
        return true;
      }
      if (res.code === 'RULES_NOT_ACCEPTED') {
        // The rules changed since they were fetched: read the new ones, which must be ticked again.
        checkbox.checked = false;
        showProblem('rulesChanged');
        refresh();
        await load();
        text.scrollTop = 0;
        text.focus();
      } else {
        toast.show(errorText(res));
        refresh();
      }
      return false;
    },
    setBarred(value) {
      barred = value;
      refresh();
    },
    toCheckbox() {
      if (!untickedOnly()) return false;
      checkbox.focus();
      return true;
    },
  };
}
