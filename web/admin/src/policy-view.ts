/**
 * The content policy page: the link rule, the term list (each term with its action and a Remove button),
 * a form to add a term, a filter for long lists, and Save (`PUT /admin/api/policy`), with unsaved changes
 * marked and the server's refusal shown. A list can hold tens of thousands of terms: only the first
 * `MAX_ROWS` rows that match the filter are in the page, with a note saying so.
 *
 * Two admins may edit at once: the page keeps the policy's version (the `ETag` of each read and each save)
 * and saves with `If-Match`, so a save over someone else's newer policy is refused (409) instead of
 * silently undoing it; the admin is told, and their edits stay on screen. While a save is on its way the
 * editing controls are disabled, so nothing changed meanwhile is taken for saved.
 */
import type { LinkAction, PolicyAction, PolicyDocument } from '../../../src/policy/policy-document.js';
import { ApiError, requestJson } from './api.js';
import type { Confirm } from './confirm-dialog.js';
import { byTestId, element } from './dom.js';
import { t, type TextKey } from './i18n.js';
import { failureText } from './sanction-dialog.js';
import { showFormError } from './sanction-fields.js';

/** Most rows in the page at once; the filter narrows a longer list. */
const MAX_ROWS = 300;
/** Longest term the server accepts (`policyDocumentSchema`). */
const MAX_TERM_CHARS = 64;
/** `MAX_POLICY_TERMS`, `POLICY_ACTIONS` and `LINK_ACTIONS` of the server, repeated so zod stays out of the page. */
const MAX_TERMS = 50_000;
const POLICY_ACTIONS = ['allow', 'flag', 'mask', 'block'] as const satisfies readonly PolicyAction[];
const LINK_ACTIONS = ['allow', 'flag', 'block'] as const satisfies readonly LinkAction[];

interface Term {
  term: string;
  action: PolicyAction;
}

export interface PolicyView {
  show(): void;
  render(): void;
  /** True while there are changes not saved. */
  dirty(): boolean;
}

const isLinkAction = (value: string): value is LinkAction => (LINK_ACTIONS as readonly string[]).includes(value);
const isPolicyAction = (value: string): value is PolicyAction => (POLICY_ACTIONS as readonly string[]).includes(value);
/** Lone surrogates and NUL are refused by the server; saying so here is clearer. */
const storable = (text: string) => !/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
/** Duplicates are compared as the matcher sees them, roughly: case and width do not make a new term. */
const sameKey = (text: string) => text.normalize('NFKC').toLowerCase();

function actionSelect(value: PolicyAction): HTMLSelectElement {
  const select = element('select');
  for (const action of POLICY_ACTIONS) {
    const option = element('option', '', t(`termAction_${action}` as TextKey));
    option.value = action;
    select.append(option);
  }
  select.value = value;
  return select;
}

export function createPolicyView(root: HTMLElement, deps: { confirm: Confirm; toast(text: string): void; onError(error: unknown): void }): PolicyView {
  const form = byTestId('policy-form', HTMLFormElement, root);
  const links = byTestId('policy-links', HTMLSelectElement, root);
  const dirtyMark = byTestId('policy-dirty', HTMLElement, root);
  const error = byTestId('policy-error', HTMLElement, root);
  const save = byTestId('policy-save', HTMLButtonElement, root);
  const revert = byTestId('policy-revert', HTMLButtonElement, root);
  const addForm = byTestId('policy-add-form', HTMLFormElement, root);
  const add = byTestId('policy-add', HTMLButtonElement, root);
  const newTerm = byTestId('policy-new-term', HTMLInputElement, root);
  const newAction = byTestId('policy-new-action', HTMLSelectElement, root);
  const addError = byTestId('policy-add-error', HTMLElement, root);
  const filter = byTestId('policy-filter', HTMLInputElement, root);
  const count = byTestId('policy-count', HTMLElement, root);
  const body = byTestId('policy-body', HTMLTableSectionElement, root);
  const empty = byTestId('policy-empty', HTMLElement, root);

  let terms: Term[] = [];
  let linkRule: LinkAction = 'flag';
  let changed = false;
  let loaded = false;
  /** The version of the policy the terms on screen started from (the last read or save's `ETag`). */
  let etag: string | null = null;
  /** True while a save is on its way: nothing can be edited until its answer is in. */
  let saving = false;
  /** The save failure shown, as a function so a language switch re-says it. */
  let saveError: (() => string) | undefined;

  function fillNewAction(): void {
    const value = isPolicyAction(newAction.value) ? newAction.value : 'block';
    newAction.replaceChildren(...actionSelect(value).children);
    newAction.value = value;
  }

  function markChanged(value: boolean): void {
    changed = value;
    dirtyMark.hidden = !value;
    root.dataset['dirty'] = String(value);
  }

  function row(entry: Term): HTMLTableRowElement {
    const tr = element('tr');
    tr.dataset['testid'] = 'policy-row';
    tr.dataset['term'] = entry.term;
    const termCell = element('td', 'note-cell', entry.term);
    termCell.dataset['testid'] = 'policy-term';
    const select = actionSelect(entry.action);
    select.dataset['testid'] = 'policy-term-action';
    select.disabled = saving;
    select.setAttribute('aria-label', t('policyActionOf', { n: entry.term }));
    select.addEventListener('change', () => {
      if (!isPolicyAction(select.value)) return;
      entry.action = select.value;
      markChanged(true);
    });
    const remove = element('button', 'btn btn-ghost btn-small', t('policyRemove'));
    remove.type = 'button';
    remove.dataset['testid'] = 'policy-remove';
    remove.disabled = saving;
    remove.setAttribute('aria-label', t('policyRemoveTerm', { n: entry.term }));
    remove.addEventListener('click', () => {
      const at = terms.indexOf(entry);
      if (at < 0) return;
      // Focus moves to the next row's button (or the filter), not to the page's top.
      const next = tr.nextElementSibling ?? tr.previousElementSibling;
      const nextTerm = next instanceof HTMLTableRowElement ? next.dataset['term'] : undefined;
      terms.splice(at, 1);
      markChanged(true);
      renderRows();
      const target = nextTerm === undefined ? null : [...body.querySelectorAll<HTMLTableRowElement>('tr')].find((r) => r.dataset['term'] === nextTerm);
      (target?.querySelector<HTMLButtonElement>('[data-testid="policy-remove"]') ?? filter).focus();
    });
    const actions = element('td');
    actions.append(remove);
    const actionCell = element('td');
    actionCell.append(select);
    tr.append(termCell, actionCell, actions);
    return tr;
  }

  function renderRows(): void {
    const needle = sameKey(filter.value.trim());
    const matching = needle === '' ? terms : terms.filter((entry) => sameKey(entry.term).includes(needle));
    const shown = matching.slice(0, MAX_ROWS);
    body.replaceChildren(...shown.map(row));
    empty.hidden = !loaded || matching.length > 0;
    count.textContent =
      matching.length > shown.length
        ? t('policyCountLimited', { shown: shown.length, matched: matching.length, n: terms.length })
        : needle === ''
          ? t('policyCount', { n: terms.length })
          : t('policyCountFiltered', { shown: matching.length, n: terms.length });
  }

  function render(): void {
    fillNewAction();
    links.value = linkRule;
    showFormError(error, saveError?.());
    renderRows();
  }

  /** Editing is off while a save is on its way (the filter stays: it changes nothing). */
  function setSaving(value: boolean): void {
    saving = value;
    root.setAttribute('aria-busy', String(value));
    for (const control of [links, save, revert, add, newTerm, newAction]) control.disabled = value;
    for (const control of body.querySelectorAll<HTMLButtonElement | HTMLSelectElement>('button, select')) control.disabled = value;
  }

  function apply(document: PolicyDocument, version: string | null): void {
    etag = version;
    saveError = undefined;
    terms = document.terms.map((entry) => ({ ...entry }));
    linkRule = document.links;
    loaded = true;
    markChanged(false);
    showFormError(addError, undefined);
    render();
  }

  async function load(): Promise<void> {
    try {
      const { body: policy, headers } = await requestJson<PolicyDocument>('GET', '/admin/api/policy');
      apply(policy, headers.get('etag'));
    } catch (failure) {
      deps.onError(failure);
    }
  }

  /** The reason a new term cannot be added, or undefined. */
  function refusal(text: string): string | undefined {
    if (text === '') return t('policyTermRequired');
    if ([...text].length > MAX_TERM_CHARS) return t('policyTermTooLong', { n: MAX_TERM_CHARS });
    if (!storable(text)) return t('policyTermInvalid');
    if (terms.length >= MAX_TERMS) return t('policyTooMany', { n: MAX_TERMS });
    const key = sameKey(text);
    if (terms.some((entry) => sameKey(entry.term) === key)) return t('policyTermDuplicate', { n: text });
    return undefined;
  }

  addForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (saving) return;
    const text = newTerm.value.trim();
    const why = refusal(text);
    showFormError(addError, why);
    if (why) {
      newTerm.setAttribute('aria-invalid', 'true');
      newTerm.focus();
      return;
    }
    newTerm.removeAttribute('aria-invalid');
    terms.unshift({ term: text, action: isPolicyAction(newAction.value) ? newAction.value : 'block' });
    markChanged(true);
    newTerm.value = '';
    filter.value = '';
    renderRows();
    newTerm.focus();
  });

  links.addEventListener('change', () => {
    if (!isLinkAction(links.value)) return;
    linkRule = links.value;
    markChanged(true);
  });
  filter.addEventListener('input', renderRows);

  revert.addEventListener('click', () => {
    if (saving) return;
    void (async () => {
      if (changed && !(await deps.confirm({ title: t('policyDiscardTitle'), text: t('policyDiscardText'), ok: t('policyDiscard') }))) return;
      await load();
    })();
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (saving) return;
    void (async () => {
      // Disabling the focused control drops the focus to the page: it comes back afterwards.
      const focused = document.activeElement;
      setSaving(true);
      saveError = undefined;
      showFormError(error, undefined);
      try {
        // Without a version (a proxy dropped the header) the save replaces whatever is stored, as before.
        const headers: Record<string, string> = etag === null ? {} : { 'if-match': etag };
        const saved = await requestJson<PolicyDocument>('PUT', '/admin/api/policy', { body: { links: linkRule, terms }, headers });
        setSaving(false);
        apply(saved.body, saved.headers.get('etag'));
        deps.toast(t('policySaved'));
      } catch (failure) {
        setSaving(false);
        // Someone saved since this page read the policy: nothing was replaced. The edits stay, unsaved.
        if (failure instanceof ApiError && failure.status === 409) saveError = () => t('policyConflict');
        else if (failure instanceof ApiError) saveError = () => t('policySaveFailed', { n: failure.message });
        else {
          const text = failureText(failure);
          saveError = () => text;
        }
        showFormError(error, saveError());
      } finally {
        if (focused instanceof HTMLElement && focused.isConnected && (document.activeElement === document.body || document.activeElement === null)) focused.focus();
      }
    })();
  });

  // Leaving the page with unsaved changes asks first (the browser's own prompt).
  window.addEventListener('beforeunload', (event) => {
    if (changed) event.preventDefault();
  });
  fillNewAction();

  return {
    show() {
      // Coming back to the tab keeps unsaved edits; otherwise the server's current policy is shown.
      if (changed || saving) render();
      else void load();
    },
    render,
    dirty: () => changed,
  };
}
