/**
 * One person of a report, beside the conversation: how often they reported or were reported, their other
 * reports (each a link to it) and their sanctions — by identity or through the network they used in that
 * room — and a button to sanction them directly. The reporter of the content policy's own reports is not a
 * person: it is named as what it is, with nothing to sanction (the server has no such user to sanction).
 */
import type { PersonHistory } from '../../../src/admin/reports-query.js';
import type { SYSTEM_REPORTER as ServerSystemReporter } from '../../../src/policy/review-queue.js';
import type { ReportItem, SanctionView } from '../../../src/admin/safety-views.js';
import { element, plainTime } from './dom.js';
import { t, type TextKey } from './i18n.js';
import { createdByText, sanctionReasonText } from './system-texts.js';

export type PersonRole = 'reported' | 'reporter';

/** The server's `SYSTEM_REPORTER`, repeated (its module is server code); the type keeps the two equal. */
const SYSTEM_REPORTER: typeof ServerSystemReporter = 'system';

/** A sanction in one line: kind, scope, reason, end and state (a lifted one: by whom, when). */
export function sanctionSummary(s: SanctionView, matchedBy?: 'identity' | 'address'): string {
  const scope = `${t(`scope_${s.scope}` as TextKey)}${matchedBy === 'address' ? ` ${t('byAddressMatch')}` : ''}`;
  const until = s.ends_at ? `${t('endsAt')} ${plainTime(s.ends_at)}` : t('forever');
  return [`#${s.id}`, t(`kind_${s.kind}` as TextKey), scope, sanctionReasonText(s), until, ...stateWords(s)].join(' · ');
}

/** Its state; a lifted one with who lifted it and when, as the Sanctions page says it ("已解除 · 小王 · 2026-12-06 15:02:33"). */
function stateWords(s: SanctionView): string[] {
  const state = sanctionState(s);
  const words = t(`state_${state}` as TextKey);
  return state === 'lifted' && s.lifted_at !== null ? [words, createdByText(s.lifted_by ?? '—'), plainTime(s.lifted_at)] : [words];
}

export function sanctionState(s: SanctionView): 'active' | 'lifted' | 'ended' {
  if (s.active) return 'active';
  return s.lifted_at ? 'lifted' : 'ended';
}

function reportLink(report: ReportItem): HTMLLIElement {
  const li = element('li');
  const link = element('a', '', `#${report.id}`);
  link.href = `#report/${report.id}`;
  const status = report.resolution ? t(`resolution_${report.resolution}` as TextKey) : t(`status_${report.status}` as TextKey);
  li.append(link, ` · ${t(`reason_${report.reason}` as TextKey)} · ${status} · ${plainTime(report.created_at)}`);
  return li;
}

function section(title: TextKey, items: HTMLLIElement[], testId: string): HTMLElement {
  const wrap = element('section', 'person-section');
  const list = element('ul', 'history-list');
  list.dataset['testid'] = testId;
  if (items.length === 0) list.append(element('li', 'muted', t('none')));
  else list.append(...items);
  wrap.append(element('h4', 'sub-title', t(title)), list);
  return wrap;
}

/** The content policy as a report's reporter: what it is, and why there is nothing to do about it here. */
function renderSystem(container: HTMLElement, role: PersonRole): void {
  const head = element('div', 'room-head');
  head.append(element('h3', 'card-title', `${t(role === 'reported' ? 'personReported' : 'personReporter')} · ${t('systemReporter')}`));
  const note = element('p', 'muted', t('systemReporterNote'));
  note.dataset['testid'] = `${role}-system`;
  container.replaceChildren(head, note);
}

export function renderPerson(container: HTMLElement, role: PersonRole, person: PersonHistory, sanction: (userId: string, opener: HTMLElement) => void): void {
  if (person.user_id === SYSTEM_REPORTER) return renderSystem(container, role);
  const head = element('div', 'room-head');
  const title = element('h3', 'card-title', `${t(role === 'reported' ? 'personReported' : 'personReporter')} · ${person.user_id}`);
  const button = element('button', 'btn btn-secondary', t('sanctionUser'));
  button.type = 'button';
  button.dataset['testid'] = `sanction-${role}`;
  button.dataset['needs'] = 'moderate';
  button.addEventListener('click', () => sanction(person.user_id, button));
  head.append(title, button);

  const { counts } = person;
  const summary = element(
    'p',
    'muted',
    [t('personCounts', { n: counts.reports_received }), t('personFiled', { n: counts.reports_filed }), t('personSanctions', { n: counts.sanctions }), t('personActive', { n: counts.active_sanctions })].join(' · '),
  );
  summary.dataset['testid'] = `${role}-counts`;

  const sanctions = person.sanctions.map((s) => {
    const li = element('li', s.active ? 'sanction-active' : '', sanctionSummary(s, s.matched_by));
    li.dataset['testid'] = 'history-sanction';
    return li;
  });
  container.replaceChildren(
    head,
    summary,
    section('sanctionsOf', sanctions, `${role}-sanctions`),
    section('otherReportsReceived', person.reports_received.map(reportLink), `${role}-received`),
    section('otherReportsFiled', person.reports_filed.map(reportLink), `${role}-filed`),
  );
}
