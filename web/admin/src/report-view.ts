/**
 * One report: what was reported and by whom, the decision form while it is open (action, scope, duration
 * presets, a note; a ban is confirmed first; "offer support" — the crisis help card for the reported person,
 * no sanction — for every report, suggested on a self-harm one), the conversation with the reported messages marked (a long
 * one a page at a time), what the content policy held back in it, and both people's history with a button
 * to sanction either of them. Only the answer for the report opened last is shown (answers can arrive out of
 * order), and a decision re-reads its report only while that report is still the one open. The decision
 * being written is kept until it is sent (decision-draft.ts): a session that ends, or a look elsewhere,
 * does not lose it; one refused because someone else decided the report first stays in view beside their
 * decision until the admin is done with it.
 */
import type { HeldMessage, ReportDetail } from '../../../src/admin/reports-query.js';
import type { DECISION_TEXT_MAX } from '../../../src/admin/safety-schemas.js';
import type { Conversation, ConversationMessage } from '../../../src/admin/rooms-query.js';
import type { SanctionKind } from '../../../src/shared/protocol.js';
import { ApiError, getJson, requestJson } from './api.js';
import type { Confirm } from './confirm-dialog.js';
import { createDraftStore, sessionDraftStorage, type DecisionAction, type DecisionDraft } from './decision-draft.js';
import { byTestId, element, plainTime } from './dom.js';
import { t, type TextKey } from './i18n.js';
import { messageItem } from './message-item.js';
import { renderPerson } from './person-history.js';
import { failureText, type SanctionDialog } from './sanction-dialog.js';
import { flagText, reportNoteText, supportOfferText } from './system-texts.js';
import { limitText } from './text-limit.js';
import { createUnsentDecision } from './unsent-decision.js';
import { allowNetworkScope, banConfirmText, durationLabel, durationOf, fillSanctionSelects, scopeOf, showFormError, syncDuration, syncScopeWarning } from './sanction-fields.js';

type Action = DecisionAction;

/** The server's limit on a decision's note (checked at compile time: safety-schemas.ts is imported for types only). */
const MAX_NOTE_CHARS: typeof DECISION_TEXT_MAX = 500;

/** The sanction each action issues, which the scope and duration fields follow; none for a dismissal or an offer of support. */
const ACTION_KIND: Record<Action, SanctionKind | 'dismiss'> = { dismiss: 'dismiss', warn: 'warning', mute: 'muted', ban: 'banned', support: 'dismiss' };
const sanctions = (action: Action) => ACTION_KIND[action] !== 'dismiss';
const ACTIONS: readonly string[] = Object.keys(ACTION_KIND);

export interface ReportView {
  /** `announceDraft`: say so when an unsent decision comes back into the form (not when a refusal re-opens it). */
  open(id: number, announceDraft?: boolean): Promise<void>;
  render(): void;
}

export interface ReportViewDeps {
  confirm: Confirm;
  sanctionDialog: SanctionDialog;
  toast(text: string): void;
  onError(error: unknown): void;
}

export function createReportView(root: HTMLElement, deps: ReportViewDeps): ReportView {
  const title = byTestId('report-title', HTMLElement, root);
  const priority = byTestId('report-priority', HTMLElement, root);
  const status = byTestId('report-status', HTMLElement, root);
  const meta = byTestId('report-meta', HTMLElement, root);
  const form = byTestId('decision-form', HTMLFormElement, root);
  const formError = byTestId('decision-error', HTMLElement, root);
  const submit = byTestId('decision-submit', HTMLButtonElement, root);
  const clear = byTestId('decision-clear', HTMLButtonElement, root);
  const note = byTestId('decision-note', HTMLTextAreaElement, root);
  const roomLink = byTestId('report-room-link', HTMLAnchorElement, root);
  const list = byTestId('report-conversation', HTMLOListElement, root);
  const empty = byTestId('report-conversation-empty', HTMLElement, root);
  const more = byTestId('report-conversation-more', HTMLButtonElement, root);
  const outside = byTestId('reported-outside', HTMLElement, root);
  const outsideList = byTestId('reported-outside-list', HTMLOListElement, root);
  const held = byTestId('held-messages', HTMLElement, root);
  const heldList = byTestId('held-list', HTMLOListElement, root);
  const people = { reported: byTestId('person-reported', HTMLElement, root), reporter: byTestId('person-reporter', HTMLElement, root) };
  const supportSuggested = byTestId('support-suggested', HTMLElement, root);
  fillSanctionSelects(form);
  const drafts = createDraftStore(sessionDraftStorage());
  // A decision refused because another admin decided first: beside their decision until dismissed.
  const unsent = createUnsentDecision({
    // The sanction with its length and whom it falls on (an identity, or a network).
    describe: (action, duration, scope) => {
      const label = t(`action_${action}` as TextKey);
      return sanctions(action) ? `${label} · ${durationLabel(duration)} · ${t(`scope_${scope}` as TextKey)}` : label;
    },
    toast: deps.toast,
    dismissed() {
      if (shown) drafts.clear(shown.report.id);
      // Its button went with it: the report's title keeps the keyboard on the page.
      title.tabIndex = -1;
      title.focus();
    },
  });
  form.before(unsent.element);


  let shown: ReportDetail | undefined;
  /** The `ETag` of the report shown: its decision is sent with it (`If-Match`). */
  let shownTag: string | null = null;
  /** The conversation's messages loaded so far (the first page, then every "load more"). */
  let messages: ConversationMessage[] = [];
  let nextCursor: string | null = null;
  /** Bumped by every opening: only the answer to the latest one is shown. */
  let requests = 0;
  /** The report opened last (shown, or on its way). */
  let openedId: number | undefined;
  /** True while a decision is on its way: a second Submit (Enter on a radio) is not a second decision. */
  let sending = false;

  /** The note (shown to the person as the reason) is kept whole past the limit; Submit is off until it fits. */
  const noteLimit = limitText(note, MAX_NOTE_CHARS, 'decisionNoteTooLong', (over) => (submit.disabled = sending || over));

  const chosenAction = (): Action | undefined => {
    const value = (form.elements.namedItem('action') as RadioNodeList | null)?.value;
    return value !== undefined && ACTIONS.includes(value) ? (value as Action) : undefined;
  };

  function metaItem(label: TextKey, value: string, testId?: string): HTMLElement[] {
    const dd = element('dd', '', value);
    if (testId) dd.dataset['testid'] = testId;
    return [element('dt', '', t(label)), dd];
  }

  function renderConversation(): void {
    if (!shown) return;
    const marked = new Set(shown.report.message_ids);
    list.replaceChildren(...messages.map((m) => messageItem(m, { reported: marked.has(m.id) })));
    empty.hidden = messages.length > 0;
    more.hidden = !nextCursor;
    // Reported messages beyond the pages loaded are shown on top, so the evidence is never out of sight.
    const loaded = new Set(messages.map((m) => m.id));
    const elsewhere = shown.reported_messages.filter((m) => !loaded.has(m.id));
    outsideList.replaceChildren(...elsewhere.map((m) => messageItem(m, { reported: true })));
    outside.hidden = elsewhere.length === 0;
  }

  /** A refused message: which side sent it (as the conversation says it), its text as text, what was found. */
  function heldItem(m: HeldMessage, room: ReportDetail['room']): HTMLLIElement {
    const side = room?.user1_id === m.sender_id ? 'user1' : room?.user2_id === m.sender_id ? 'user2' : undefined;
    const li = element('li', `message message-held${side ? ` message-${side}` : ''}`);
    li.dataset['testid'] = 'held-message';
    li.dataset['heldId'] = String(m.id);
    const head = element('div', 'message-head');
    head.append(element('span', 'message-sender', side ? `${t(side)} · ${m.sender_id}` : m.sender_id));
    const badge = element('span', 'badge badge-danger', t('heldBadge'));
    head.append(badge, element('time', 'message-time', plainTime(m.timestamp)));
    const text = element('p', 'message-text', m.content);
    text.dataset['testid'] = 'held-text';
    const found = element('p', 'message-found muted', t('heldFound', { n: m.reasons.map(flagText).join(t('listSeparator')) }));
    found.dataset['testid'] = 'held-reasons';
    li.append(head, text, found);
    return li;
  }

  function renderHeld(): void {
    const messages = shown?.held_messages ?? [];
    heldList.replaceChildren(...messages.map((m) => heldItem(m, shown?.room ?? null)));
    held.hidden = messages.length === 0;
  }

  function render(): void {
    unsent.render();
    if (!shown) return;
    const { report } = shown;
    title.textContent = t('reportTitle', { n: report.id });
    priority.hidden = report.priority === 0;
    status.textContent = t(`status_${report.status}` as TextKey);
    status.dataset['status'] = report.status;
    meta.replaceChildren(
      ...metaItem('reason', t(`reason_${report.reason}` as TextKey), 'report-reason'),
      ...(report.other_reasons.length > 0 ? metaItem('otherReasons', report.other_reasons.map((r) => t(`reason_${r}` as TextKey)).join(t('listSeparator')), 'report-other-reasons') : []),
      ...metaItem('reportedUser', report.reported_id, 'report-reported'),
      ...metaItem('reporter', report.reporter_id, 'report-reporter'),
      ...metaItem('room', String(report.room_id)),
      ...metaItem('reportedAt', plainTime(report.created_at)),
      ...metaItem('updatedAtLabel', plainTime(report.updated_at)),
      ...metaItem('reporterNote', report.note === null ? t('noNote') : reportNoteText(report.note, report.reporter_id), 'report-note'),
      ...(report.resolution
        ? [
            ...metaItem('decisionCol', t(`resolution_${report.resolution}` as TextKey), 'report-resolution'),
            ...metaItem('resolvedAt', plainTime(report.resolved_at)),
            ...metaItem('resolvedBy', report.resolved_by ?? '—'),
            ...metaItem('resolutionNote', report.resolution_note ?? t('noNote')),
            ...(report.support_offer ? metaItem('supportCard', supportOfferText(report.support_offer), 'report-support-offer') : []),
          ]
        : []),
    );
    form.hidden = report.status !== 'open';
    // Someone who may be in danger needs help first: said on a report about self-harm (its reason or another given).
    supportSuggested.hidden = report.reason !== 'self_harm' && !report.other_reasons.includes('self_harm');
    roomLink.href = `#room/${report.room_id}`;
    renderConversation();
    renderHeld();
    const sanction = (userId: string, opener: HTMLElement) => deps.sanctionDialog.open(userId, opener);
    renderPerson(people.reported, 'reported', shown.people.reported, sanction);
    renderPerson(people.reporter, 'reporter', shown.people.reporter, sanction);
    noteLimit.sync();
  }

  /** The form as the admin left it. */
  function choices(): DecisionDraft {
    return { action: chosenAction() ?? null, scope: scopeOf(form), duration: durationOf(form), note: note.value, tag: shownTag };
  }

  /** The form as a report opens: nothing chosen, the presets, network scope only when the network is known. */
  function resetForm(networkKnown: boolean): void {
    form.reset();
    fillSanctionSelects(form);
    syncDuration(form, undefined);
    allowNetworkScope(form, networkKnown);
    showFormError(formError, undefined);
    noteLimit.sync();
  }

  async function open(id: number, announceDraft = true): Promise<void> {
    const mine = ++requests;
    openedId = id;
    shown = undefined;
    title.textContent = t('reportTitle', { n: id });
    for (const el of [meta, list, outsideList, heldList, people.reported, people.reporter]) el.replaceChildren();
    held.hidden = true;
    form.hidden = true;
    more.hidden = true;
    unsent.hide();
    try {
      const { body: detail, headers } = await requestJson<ReportDetail>('GET', `/admin/api/reports/${id}`);
      // Another report (or this one again) was opened meanwhile: its answer is the one to show.
      if (mine !== requests) return;
      shown = detail;
      shownTag = headers.get('etag');
      messages = detail.messages;
      nextCursor = detail.next_cursor;
      resetForm(detail.people.reported.network_known);
      render();
      // The decision left unsent here (the session ended, the admin looked elsewhere) comes back; one on a
      // report decided meanwhile has nothing left to decide, but its words are the admin's: shown beside
      // the decision made until they dismiss them.
      const draft = drafts.load(id);
      if (draft && detail.report.status === 'open') {
        // Made more urgent since the action was chosen: the note comes back, the action is chosen again.
        const changed = draft.action !== null && draft.tag !== null && shownTag !== null && draft.tag !== shownTag;
        restoreChoices(changed ? { ...draft, action: null } : draft);
        // An action taken away is always said, also on a quiet re-open (after a sanction, a refresh).
        if (changed) deps.toast(t('decisionDraftReportChanged'));
        else if (announceDraft) deps.toast(t('decisionDraftRestored'));
      } else if (draft?.refused) unsent.show(draft);
      else if (draft) drafts.clear(id);
      // Opened from the queue (its row went with the view) or shown again after a decision (its form went):
      // the focus would be on the page's body. The report's title takes it, so the keyboard goes on from here
      // — or a refused decision's heading, the one thing on the page that asks something of the admin.
      const active = document.activeElement;
      if (!active || active === document.body || !active.checkVisibility()) {
        title.tabIndex = -1;
        (unsent.shown ? unsent.heading : title).focus();
      }
    } catch (error) {
      if (mine === requests) deps.onError(error);
    }
  }

  /** True while the report view shows (or is opening) this report. */
  const stillOn = (id: number) => openedId === id && !root.hidden;

  async function loadMore(): Promise<void> {
    const current = shown;
    if (!current || !nextCursor) return;
    more.disabled = true;
    try {
      const page = await getJson<Conversation>(`/admin/api/rooms/${current.report.room_id}?cursor=${encodeURIComponent(nextCursor)}`);
      if (shown !== current) return;
      messages = [...messages, ...page.messages];
      nextCursor = page.next_cursor;
      renderConversation();
    } catch (error) {
      deps.onError(error);
    } finally {
      more.disabled = false;
    }
  }

  /** The decision the admin had chosen, back in the form after it was shown again. */
  function restoreChoices(choices: DecisionDraft): void {
    const radio = choices.action && form.querySelector<HTMLInputElement>(`input[name="action"][value="${choices.action}"]`);
    if (radio) radio.checked = true;
    syncDuration(form, choices.action ? ACTION_KIND[choices.action] : undefined);
    const field = (name: string) => form.elements.namedItem(name) as HTMLSelectElement | HTMLTextAreaElement | null;
    const scope = field('scope');
    // A scope the report no longer allows (no network known) stays as open() set it.
    if (scope && ![...(scope as HTMLSelectElement).options].some((o) => o.value === choices.scope && o.disabled)) scope.value = choices.scope;
    // Set without a change event: the warning under a network scope follows here.
    syncScopeWarning(form);
    const duration = field('duration');
    if (duration && choices.action !== null && sanctions(choices.action)) duration.value = choices.duration === null ? '' : String(choices.duration);
    note.value = choices.note;
    noteLimit.sync();
  }

  /**
   * `onSend` runs once the decision goes (after a ban's confirmation): the Submit button is disabled only
   * then, so the confirmation opens from an enabled, focused button and gives the focus back to it on Cancel.
   */
  async function decide(onSend: () => void): Promise<void> {
    const current = shown;
    const action = chosenAction();
    if (!current) return;
    if (!action) return showFormError(formError, t('chooseAction'));
    // Submit is off while the note is too long; Enter in a field must not send it either.
    if (noteLimit.refuse()) return;
    const durationS = sanctions(action) ? durationOf(form) : null;
    const noteText = note.value.trim();
    if (action === 'ban') {
      const text = banConfirmText(current.report.reported_id, durationS);
      if (!(await deps.confirm({ title: t('confirmBanTitle'), text, ok: t('confirmBan') }))) return;
      // Another report opened while the confirmation was up: this decision is not for it.
      if (shown !== current) return;
    }
    onSend();
    const body = {
      action,
      ...(sanctions(action) ? { scope: scopeOf(form) } : {}),
      ...(durationS === null ? {} : { duration_s: durationS }),
      ...(noteText ? { note: noteText } : {}),
    };
    // Decided on the report as shown: one made more urgent since (a minor reported, crisis words) is refused
    // with 409, and shown again as it is now — the admin's choices kept, to confirm or change.
    const tag = shownTag;
    let automatic: { kind: string; ends_at: string | null } | null = null;
    try {
      ({ automatic } = (await requestJson<{ automatic: { kind: string; ends_at: string | null } | null }>('POST', `/admin/api/reports/${current.report.id}/resolve`, { body, headers: tag ? { 'if-match': tag } : {} })).body);
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'CONFLICT') || !stillOn(current.report.id)) throw error;
      const kept: Omit<DecisionDraft, 'tag'> = { action, scope: scopeOf(form), duration: durationS, note: noteText };
      // Restored below with the new version (and said with the form's error): not by open() as a stale draft.
      drafts.clear(current.report.id);
      await open(current.report.id, false);
      // Not shown again (open() said why), or moved on meanwhile: kept as made on the version it was sent with.
      if (shown?.report.id !== current.report.id || !stillOn(current.report.id)) return drafts.save(current.report.id, { ...kept, tag });
      if (shown.report.status !== 'open') {
        // Decided by someone else: the decision made is shown, and the admin's own (kept in the store, as a
        // reload must not lose it either) beside it until they dismiss it.
        drafts.save(current.report.id, { ...kept, tag, refused: true });
        unsent.show({ ...kept, tag, refused: true });
        unsent.heading.focus();
        return;
      }
      // Kept on the report as it is now: the admin has been shown it.
      restoreChoices({ ...kept, tag: shownTag });
      keepDraft();
      showFormError(formError, t('reportChanged'));
      form.querySelector<HTMLInputElement>('input[name="action"]:checked')?.focus();
      return;
    }
    drafts.clear(current.report.id);
    const decided = t(`action_${action}` as TextKey);
    // The strike this decision counts may have brought an automatic sanction beyond the one chosen: said.
    if (automatic) {
      const kind = t(`kind_${automatic.kind}` as TextKey).toLocaleLowerCase();
      deps.toast(automatic.ends_at ? t('decidedWithAutomatic', { n: decided, kind, until: plainTime(automatic.ends_at) }) : t('decidedWithAutomaticForever', { n: decided, kind }));
    } else if (action === 'support') {
      // Said either way: the card reaches the pages they have open now, or else their next connection (7 days).
      deps.toast(t('decidedSupport', { n: current.report.reported_id }));
    } else deps.toast(t('decided', { n: decided }));
    // Shown again with the decision, unless the admin has moved on to another report or page meanwhile.
    if (stillOn(current.report.id)) await open(current.report.id);
  }

  /** Kept as it is written (each keystroke, each choice) while the report is open. */
  const keepDraft = () => {
    if (shown?.report.status === 'open' && !form.hidden) drafts.save(shown.report.id, choices());
  };
  form.addEventListener('change', (event) => {
    if (event.target instanceof HTMLInputElement && event.target.name === 'action') {
      syncDuration(form, ACTION_KIND[chosenAction() ?? 'dismiss']);
      showFormError(formError, undefined);
    }
    keepDraft();
  });
  form.addEventListener('input', keepDraft);
  clear.addEventListener('click', () => {
    if (!shown) return;
    drafts.clear(shown.report.id);
    resetForm(shown.people.reported.network_known);
    form.querySelector<HTMLInputElement>('input[name="action"]')?.focus();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (sending) return;
    const id = shown?.report.id;
    showFormError(formError, undefined);
    // Sending only once the decision goes: a ban's confirmation closed by Escape answers "no" a task later,
    // and Submit pressed again before that asks again (the old request is answered then).
    let sent = false;
    decide(() => {
      sent = sending = true;
      submit.disabled = true;
    })
      .catch((error: unknown) => {
        // Said on the report decided; when the admin has moved on, the failure is still told. Refused for the
        // admin's role (an owner changed it meanwhile), it is a toast too: the role read again hides this form.
        const forbidden = error instanceof ApiError && (error.code as string) === 'FORBIDDEN';
        if (id !== undefined && stillOn(id)) showFormError(formError, failureText(error));
        if (forbidden || id === undefined || !stillOn(id)) deps.toast(forbidden ? t('decisionForbidden') : failureText(error));
      })
      .finally(() => {
        if (!sent) return;
        sending = false;
        noteLimit.sync();
      });
  });
  more.addEventListener('click', () => void loadMore());

  return { open, render };
}
