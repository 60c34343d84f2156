/**
 * The content policy page: the link rule, the term list (each term with its action and a Remove button),
 * a form to add a term, a filter for long lists, and Save (`PUT /admin/api/policy`), with unsaved changes
 * marked and the server's refusal shown. A role that cannot change the policy sees no menu and no Remove
 * button (`data-needs="manage"`, me.ts): the link rule and each term's action are shown as words. A list
 * can hold tens of thousands of terms: only the first `MAX_ROWS` rows that match the filter are in the
 * page, with a note saying so.
 *
 * Two admins may edit at once: the page keeps the policy's version (the `ETag` of each read and each save)
 * and saves with `If-Match`, so a save over someone else's newer policy is refused (409) instead of
 * silently undoing it; the admin is told, and their edits stay on screen. While a save is on its way the
 * editing controls are disabled, so nothing changed meanwhile is taken for saved.
 *
 * Nothing can be edited or saved until the policy has been read once: an empty list saved before (a first
 * read that failed or is still on its way) would replace every term in force. A failed first read says so
 * and offers Retry. A later read (coming back to the tab) whose answer arrives after an edit is dropped, so
 * it never undoes that edit; the save still carries the version read, so nothing newer is overwritten.
 */
import type { LinkAction, PolicyAction, PolicyDocument } from '../../../src/policy/policy-document.js';
import { ApiError, requestJson } from './api.js';
import type { Confirm } from './confirm-dialog.js';
import { byTestId, element, focusLost } from './dom.js';
import { t, type TextKey } from './i18n.js';
import { PasswordNotConfirmed, type PasswordConfirm } from './password-confirm.js';
import { termProblem } from './policy-terms.js';
import { failureText } from './sanction-dialog.js';
import { showFormError } from './sanction-fields.js';

/** Most rows in the page at once; the filter narrows a longer list. */
const MAX_ROWS = 300;
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
  /** The admin chose to lose the unsaved changes (logging out): leaving the page no longer asks. */
  forgetChanges(): void;
}

const isLinkAction = (value: string): value is LinkAction => (LINK_ACTIONS as readonly string[]).includes(value);
const isPolicyAction = (value: string): value is PolicyAction => (POLICY_ACTIONS as readonly string[]).includes(value);
/** The filter finds terms regardless of case and width. */
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

/** `canEdit`: whether the admin's role may change the policy (`manage`); without it the policy is only shown. */
export function createPolicyView(root: HTMLElement, deps: { confirm: Confirm; passwordConfirm: PasswordConfirm; toast(text: string): void; onError(error: unknown): void; canEdit(): boolean }): PolicyView {
  const form = byTestId('policy-form', HTMLFormElement, root);
  const links = byTestId('policy-links', HTMLSelectElement, root);
  /** The link rule in words, for a role that cannot change it (index.html shows it instead of the menu). */
  const linksText = byTestId('policy-links-text', HTMLElement, root);
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
  /** True once a read of the policy has been shown: until then nothing can be edited or saved. */
  let loaded = false;
  /** The version of the policy the terms on screen started from (the last read or save's `ETag`). */
  let etag: string | null = null;
  /** True while a save (or a discard's reload) is on its way: nothing can be edited until its answer is in. */
  let busy = false;
  /** Bumped by every read: only the answer to the latest one is shown. */
  let loads = 0;
  /** True while the latest read is on its way. */
  let loading = false;
  /** Bumped by every edit and every policy shown: a read answered after either would undo it, and is dropped. */
  let generation = 0;
  /** Why the first read failed (shown with Retry until a read succeeds), as a function so a language switch re-says it. */
  let loadError: (() => string) | undefined;
  /** The save failure shown, as a function so a language switch re-says it. */
  let saveError: (() => string) | undefined;

  // Shown when the policy could not be read: what happened and a Retry button (the page's markup has no place for it).
  const loadFailed = element('div');
  loadFailed.dataset['testid'] = 'policy-load-failed';
  loadFailed.hidden = true;
  loadFailed.style.marginTop = '12px';
  const loadFailedText = element('p', 'form-error');
  loadFailedText.dataset['testid'] = 'policy-load-error';
  loadFailedText.setAttribute('role', 'alert');
  const retry = element('button', 'btn btn-secondary', t('policyRetry'));
  retry.type = 'button';
  retry.dataset['testid'] = 'policy-retry';
  const retryActions = element('div', 'form-actions');
  retryActions.append(retry);
  loadFailed.append(loadFailedText, retryActions);
  error.after(loadFailed);

  /**
   * Editing (and saving) is possible once the policy has been read, not while a save is on its way, and
   * only for a role that may change it.
   */
  const editable = () => loaded && !busy && deps.canEdit();

  function fillNewAction(): void {
    const value = isPolicyAction(newAction.value) ? newAction.value : 'block';
    newAction.replaceChildren(...actionSelect(value).children);
    newAction.value = value;
  }

  function markChanged(value: boolean): void {
    if (value) generation += 1;
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
    select.disabled = !editable();
    select.setAttribute('aria-label', t('policyActionOf', { n: entry.term }));
    select.addEventListener('change', () => {
      if (!editable() || !isPolicyAction(select.value)) return;
      entry.action = select.value;
      markChanged(true);
    });
    select.dataset['needs'] = 'manage';
    // A role that cannot change the policy reads each term's action as words, with no menu or Remove button.
    const actionText = element('span', '', t(`termAction_${entry.action}` as TextKey));
    actionText.dataset['testid'] = 'policy-term-action-text';
    actionText.dataset['needsNot'] = 'manage';
    const remove = element('button', 'btn btn-ghost btn-small', t('policyRemove'));
    remove.type = 'button';
    remove.dataset['testid'] = 'policy-remove';
    remove.disabled = !editable();
    remove.setAttribute('aria-label', t('policyRemoveTerm', { n: entry.term }));
    remove.addEventListener('click', () => {
      if (!editable()) return;
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
    actions.dataset['needs'] = 'manage';
    actions.append(remove);
    const actionCell = element('td');
    actionCell.append(select, actionText);
    tr.append(termCell, actionCell, actions);
    return tr;
  }

  function renderRows(): void {
    const needle = sameKey(filter.value.trim());
    const matching = needle === '' ? terms : terms.filter((entry) => sameKey(entry.term).includes(needle));
    const shown = matching.slice(0, MAX_ROWS);
    body.replaceChildren(...shown.map(row));
    empty.hidden = !loaded || matching.length > 0;
    count.textContent = !loaded
      ? loading
        ? t('policyLoading')
        : ''
      : matching.length > shown.length
        ? t('policyCountLimited', { shown: shown.length, matched: matching.length, n: terms.length })
        : needle === ''
          ? t('policyCount', { n: terms.length })
          : t('policyCountFiltered', { shown: matching.length, n: terms.length });
  }

  /** The editing controls follow `editable()` (the filter stays: it changes nothing); the read failure shows until a read succeeds. */
  function syncControls(): void {
    const off = !editable();
    for (const control of [links, save, revert, add, newTerm, newAction]) control.disabled = off;
    for (const control of body.querySelectorAll<HTMLButtonElement | HTMLSelectElement>('button, select')) control.disabled = off;
    root.setAttribute('aria-busy', String(busy || loading));
    loadFailed.hidden = loaded || loadError === undefined;
    loadFailedText.textContent = loadError?.() ?? '';
    retry.textContent = t('policyRetry');
  }

  function render(): void {
    fillNewAction();
    links.value = linkRule;
    linksText.textContent = t(`linkAction_${linkRule}` as TextKey);
    showFormError(error, saveError?.());
    renderRows();
    syncControls();
  }

  /** Editing is off while a save (or a discard's reload) is on its way. */
  function setBusy(value: boolean): void {
    busy = value;
    syncControls();
  }

  function apply(document: PolicyDocument, version: string | null): void {
    etag = version;
    saveError = undefined;
    loadError = undefined;
    terms = document.terms.map((entry) => ({ ...entry }));
    linkRule = document.links;
    loaded = true;
    generation += 1;
    markChanged(false);
    showFormError(addError, undefined);
    render();
  }

  function setLoading(value: boolean): void {
    loading = value;
    if (!loaded) renderRows();
    syncControls();
  }

  /** Reads the policy and shows it; true when it was shown. */
  async function load(): Promise<boolean> {
    const mine = ++loads;
    const at = generation;
    setLoading(true);
    try {
      const { body: policy, headers } = await requestJson<PolicyDocument>('GET', '/admin/api/policy');
      // A later read was made (its answer is the one to show), or something was edited or saved since this
      // one went out: showing this answer would undo that.
      if (mine !== loads || generation !== at) return false;
      apply(policy, headers.get('etag'));
      return true;
    } catch (failure) {
      if (mine !== loads) return false;
      if (loaded || (failure instanceof ApiError && failure.code === 'UNAUTHORIZED')) deps.onError(failure);
      else {
        // Nothing to edit yet: said here, with Retry, for as long as it lasts (a toast would go away).
        const text = failure instanceof ApiError ? failure.message : failureText(failure);
        loadError = () => t('policyLoadFailed', { n: text });
      }
      return false;
    } finally {
      if (mine === loads) setLoading(false);
    }
  }

  retry.addEventListener('click', () => {
    if (loading) return;
    void load().then((shown) => {
      // The button went with the message: the focus goes to the first thing to edit rather than the page's top.
      if (shown && (focusLost() || document.activeElement === retry)) newTerm.focus();
    });
  });

  /** The reason a new term cannot be added (policy-terms.ts), or undefined. */
  function refusal(text: string): string | undefined {
    const problem = termProblem(
      text,
      terms.map((entry) => entry.term),
      MAX_TERMS,
    );
    switch (problem?.kind) {
      case undefined:
        return undefined;
      case 'required':
        return t('policyTermRequired');
      case 'tooLong':
        return t('policyTermTooLong', { n: problem.max });
      case 'invalid':
        return t('policyTermInvalid');
      case 'noLetter':
        return t('policyTermNoLetter');
      case 'tooMany':
        return t('policyTooMany', { n: problem.max });
      case 'duplicate':
        // Written the same: "already listed"; written otherwise, which listed term it is the same as.
        return problem.existing === text ? t('policyTermDuplicate', { n: text }) : t('policyTermSameAs', { n: text, other: problem.existing });
    }
  }

  addForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!editable()) return;
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
    if (!editable() || !isLinkAction(links.value)) {
      links.value = linkRule;
      return;
    }
    linkRule = links.value;
    markChanged(true);
  });
  filter.addEventListener('input', renderRows);

  revert.addEventListener('click', () => {
    if (!editable()) return;
    void (async () => {
      if (changed && !(await deps.confirm({ title: t('policyDiscardTitle'), text: t('policyDiscardText'), ok: t('policyDiscard') }))) return;
      if (!editable()) return;
      // Nothing is edited while the policy is read again: the edits would be thrown away by its answer.
      const focused = document.activeElement;
      setBusy(true);
      try {
        await load();
      } finally {
        setBusy(false);
        if (focused instanceof HTMLElement && focused.isConnected && focusLost()) focused.focus();
      }
    })();
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    // Never before the policy was read: an empty list saved then would replace every term in force.
    if (!editable()) return;
    void (async () => {
      // Disabling the focused control drops the focus to the page: it comes back afterwards.
      const focused = document.activeElement;
      setBusy(true);
      saveError = undefined;
      showFormError(error, undefined);
      try {
        // The version read goes along. Only when the server's answer carried none (a proxy dropped the header)
        // does the save replace whatever is stored, as before; it can never happen before a read succeeded.
        const headers: Record<string, string> = etag === null ? {} : { 'if-match': etag };
        // Asked for the password first when the session's proof of it is older than ten minutes (password-confirm.ts).
        const saved = await deps.passwordConfirm.run(() => requestJson<PolicyDocument>('PUT', '/admin/api/policy', { body: { links: linkRule, terms }, headers }));
        setBusy(false);
        apply(saved.body, saved.headers.get('etag'));
        deps.toast(t('policySaved'));
      } catch (failure) {
        setBusy(false);
        // The admin closed the password question: nothing was saved, the edits stay, and there is nothing to say.
        if (failure instanceof PasswordNotConfirmed) return;
        // Someone saved since this page read the policy: nothing was replaced. The edits stay, unsaved.
        if (failure instanceof ApiError && failure.status === 409) saveError = () => t('policyConflict');
        else if (failure instanceof ApiError) saveError = () => t('policySaveFailed', { n: failure.message });
        else {
          const text = failureText(failure);
          saveError = () => text;
        }
        showFormError(error, saveError());
      } finally {
        if (focused instanceof HTMLElement && focused.isConnected && focusLost()) focused.focus();
      }
    })();
  });

  // Leaving the page with unsaved changes asks first (the browser's own prompt).
  window.addEventListener('beforeunload', (event) => {
    if (changed) event.preventDefault();
  });
  fillNewAction();
  syncControls();

  return {
    show() {
      // Coming back to the tab keeps unsaved edits; otherwise the server's current policy is shown.
      if (changed || busy) render();
      else void load();
    },
    render,
    dirty: () => changed,
    forgetChanges: () => markChanged(false),
  };
}
