/**
 * The Sanctions page: a form to sanction a user ID directly, and the sanctions in force (or, ticked, the
 * whole history) newest first, a page at a time, each in force with a Lift button (confirmed first). What
 * is written in the form and not yet issued is kept (sanction-draft.ts): a session that ends, or a reload,
 * finds it back in the form; it goes once the sanction is issued, or once the admin empties the form.
 */
import type { SanctionView } from '../../../src/admin/safety-views.js';
import { getJson, sendJson } from './api.js';
import type { Confirm } from './confirm-dialog.js';
import { byTestId, element, plainTime } from './dom.js';
import { sessionDraftStorage } from './form-draft.js';
import { t, type TextKey } from './i18n.js';
import { createPager } from './pager.js';
import { sanctionState } from './person-history.js';
import { failureText, issueSanction, limitReason, restoreSanctionDraft, sanctionDraftOf } from './sanction-dialog.js';
import { createSanctionDrafts } from './sanction-draft.js';
import { fillSanctionSelects, kindOf, showFormError, syncDuration } from './sanction-fields.js';
import { createdByText, sanctionReasonText } from './system-texts.js';

/**
 * The columns' headings (index.html's), but the last (Lift): each cell carries its own as `data-label`,
 * which a phone shows above the value once the rows are cards (admin.css) and the header row is out of sight.
 */
const COLUMNS: readonly TextKey[] = ['sanctionId', 'user', 'sanctionKind', 'scope', 'reason', 'startsAt', 'endsAt', 'createdBy', 'report', 'state'];

interface SanctionPage {
  sanctions: SanctionView[];
  next_cursor: string | null;
}

export interface SanctionsPage {
  show(): void;
  /** Redraws what is shown (another language), leaving the paging as it is. */
  render(): void;
}

/**
 * A time that may wrap between its date and its clock, never inside either (`time-part`, admin.css):
 * "2026-12-" over "06" was what a narrow column made of it.
 */
function timeElement(iso: string): HTMLTimeElement {
  const when = element('time');
  when.dateTime = iso;
  const [day = '', clock = ''] = plainTime(iso).split(' ');
  when.append(element('span', 'time-part', day), ' ', element('span', 'time-part', clock));
  return when;
}

function timeCell(iso: string): HTMLTableCellElement {
  const cell = element('td');
  cell.append(timeElement(iso));
  return cell;
}

export function createSanctionsPage(root: HTMLElement, deps: { confirm: Confirm; toast(text: string): void; onError(error: unknown): void }): SanctionsPage {
  const form = byTestId('sanction-form', HTMLFormElement, root);
  const formError = byTestId('sanction-error', HTMLElement, root);
  const submit = byTestId('sanction-submit', HTMLButtonElement, root);
  const userInput = byTestId('sanction-user', HTMLInputElement, root);
  const all = byTestId('sanctions-all', HTMLInputElement, root);
  const body = byTestId('sanctions-body', HTMLTableSectionElement, root);
  const empty = byTestId('sanctions-empty', HTMLElement, root);
  /** Focusable (tabindex=-1): where the focus goes when the row it was on is rebuilt. */
  const title = byTestId('sanctions-title', HTMLElement, root);
  const pager = createPager(
    {
      first: byTestId('sanctions-first-page', HTMLButtonElement, root),
      previous: byTestId('sanctions-previous-page', HTMLButtonElement, root),
      next: byTestId('sanctions-next-page', HTMLButtonElement, root),
    },
    () => load(),
  );
  let page: SanctionPage | undefined;
  fillSanctionSelects(form);
  syncDuration(form, kindOf(form));
  const reasonLimit = limitReason(form);
  const drafts = createSanctionDrafts(sessionDraftStorage());
  const draft = drafts.load('page');
  if (draft) restoreSanctionDraft(form, draft, reasonLimit);

  /**
   * Bumped by every request: only the answer to the latest one is shown. Two loads in flight (the page left
   * and opened again, "all" ticked twice) answered in the other order: the older page was drawn over the
   * newer one, the rows replaced under the admin's pointer (seen in CI as a cell read detached).
   */
  let requests = 0;

  async function load(): Promise<void> {
    const params = new URLSearchParams();
    if (all.checked) params.set('all', '1');
    if (pager.cursor) params.set('cursor', pager.cursor);
    const mine = ++requests;
    try {
      const answer = await getJson<SanctionPage>(`/admin/api/sanctions?${params}`);
      if (mine === requests) showPage(answer);
    } catch (error) {
      if (mine === requests) deps.onError(error);
    }
  }

  async function lift(sanction: SanctionView): Promise<void> {
    if (!(await deps.confirm({ title: t('confirmLiftTitle'), text: t('confirmLiftText', { n: sanction.id }), ok: t('confirmLift') }))) return;
    try {
      await sendJson('DELETE', `/admin/api/sanctions/${sanction.id}`);
      deps.toast(t('lifted', { n: sanction.id }));
    } catch (error) {
      deps.toast(failureText(error));
    }
    await load();
    // The rows are rebuilt (the Lift button, given the focus back by the dialog, is gone): without this the
    // focus falls to the page's start. The table's heading is a stable place to go on from.
    if (!root.contains(document.activeElement)) title.focus();
  }

  function row(s: SanctionView): HTMLTableRowElement {
    const tr = element('tr');
    tr.dataset['testid'] = 'sanction-row';
    tr.dataset['sanctionId'] = String(s.id);
    const who = s.user_id ?? t('networkTag', { n: s.network_tag ?? '' });
    const report = element('td');
    if (s.report_id !== null) {
      const link = element('a', '', `#${s.report_id}`);
      link.href = `#report/${s.report_id}`;
      report.append(link);
    }
    const action = element('td');
    if (s.active) {
      const button = element('button', 'btn btn-ghost btn-small', t('lift'));
      button.type = 'button';
      button.dataset['testid'] = 'lift-btn';
      button.dataset['needs'] = 'moderate';
      button.addEventListener('click', () => void lift(s));
      action.append(button);
    }
    tr.append(
      element('td', '', `#${s.id}`),
      element('td', '', who),
      element('td', '', t(`kind_${s.kind}` as TextKey)),
      element('td', '', t(`scope_${s.scope}` as TextKey)),
      element('td', 'note-cell', sanctionReasonText(s)),
      timeCell(s.starts_at),
      s.ends_at ? timeCell(s.ends_at) : element('td', '', t('forever')),
      element('td', '', createdByText(s.created_by)),
      report,
      stateCell(s),
      action,
    );
    COLUMNS.forEach((key, i) => {
      const cell = tr.cells[i];
      if (cell) cell.dataset['label'] = t(key);
    });
    return tr;
  }

  /**
   * A lifted sanction says who lifted it and when ("Lifted · mod_li · 2026-12-06 15:02:33"), in the zone the
   * page's other times are in: moderators and viewers cannot read the audit log, and the end time the row
   * keeps is the one it was issued with.
   */
  function stateCell(s: SanctionView): HTMLTableCellElement {
    const state = sanctionState(s);
    const cell = element('td', '', t(`state_${state}` as TextKey));
    cell.dataset['testid'] = 'sanction-state';
    if (state === 'lifted' && s.lifted_at !== null) cell.append(` · ${createdByText(s.lifted_by ?? '—')} · `, timeElement(s.lifted_at));
    return cell;
  }

  /** A page's answer is shown: the only place the paging moves on (a redraw must not, a page may be loading). */
  function showPage(answer: SanctionPage): void {
    page = answer;
    render();
    pager.render(answer.next_cursor);
  }

  /** Redraws the page shown (another language); the paging stays as it is. */
  function render(): void {
    body.replaceChildren(...(page?.sanctions ?? []).map(row));
    empty.hidden = (page?.sanctions.length ?? 0) > 0;
  }

  all.addEventListener('change', () => {
    pager.reset();
    void load();
  });
  byTestId('sanction-kind', HTMLSelectElement, root).addEventListener('change', () => syncDuration(form, kindOf(form)));
  // Each keystroke and choice, after the kind's own listener has made the duration follow it.
  const keepDraft = () => drafts.save('page', sanctionDraftOf(form));
  form.addEventListener('input', keepDraft);
  form.addEventListener('change', keepDraft);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (reasonLimit.refuse()) return;
    showFormError(formError, undefined);
    const userId = userInput.value.trim();
    // Only the call that disabled Submit enables it again (see sanction-dialog.ts).
    let sent = false;
    issueSanction(userId, form, deps.confirm, () => {
      sent = true;
      submit.disabled = true;
    })
      .then(async (sanction) => {
        if (!sanction) return;
        deps.toast(t('sanctioned', { n: userId }));
        drafts.clear('page');
        form.reset();
        fillSanctionSelects(form);
        syncDuration(form, kindOf(form));
        reasonLimit.sync();
        pager.reset();
        await load();
      })
      .catch((error: unknown) => showFormError(formError, failureText(error)))
      .finally(() => {
        if (sent) submit.disabled = false;
      });
  });

  return {
    show() {
      pager.reset();
      void load();
    },
    render,
  };
}
