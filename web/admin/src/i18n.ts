/**
 * Texts of the admin pages in zh-CN and English, over the site's shared language choice (the browser's
 * language until the visitor picks one; one choice serves the chat page and the admin) and markup
 * translation (web/shared/translator.ts). The texts themselves are kept one file per view (i18n-*.ts,
 * each complete in both languages by its type) and merged here into the one table `t()` reads.
 */
import { createTranslator, getLang, loadLang, setLang } from '../../shared/translator.js';
import { auditEn, auditZh, type AuditTextKey } from './i18n-audit.js';
import { conversationsEn, conversationsZh, type ConversationsTextKey } from './i18n-conversations.js';
import { dashboardEn, dashboardZh, type DashboardTextKey } from './i18n-dashboard.js';
import { policyEn, policyZh, type PolicyTextKey } from './i18n-policy.js';
import { reportsEn, reportsZh, type ReportsTextKey } from './i18n-reports.js';
import { sanctionsEn, sanctionsZh, type SanctionsTextKey } from './i18n-sanctions.js';
import { shellEn, shellZh, type ShellTextKey } from './i18n-shell.js';
import { teamEn, teamZh, type TeamTextKey } from './i18n-team.js';

export { getLang, type Lang } from '../../shared/translator.js';

export type TextKey =
  | ShellTextKey
  | DashboardTextKey
  | ReportsTextKey
  | SanctionsTextKey
  | ConversationsTextKey
  | PolicyTextKey
  | AuditTextKey
  | TeamTextKey;

// Spread, a key in two views' tables would silently keep the later text: the unit test
// admin-i18n-tables.test.ts checks that each key has one home.
const zh: Record<TextKey, string> = { ...shellZh, ...dashboardZh, ...reportsZh, ...sanctionsZh, ...conversationsZh, ...policyZh, ...auditZh, ...teamZh };
const en: Record<TextKey, string> = { ...shellEn, ...dashboardEn, ...reportsEn, ...sanctionsEn, ...conversationsEn, ...policyEn, ...auditEn, ...teamEn };

const translator = createTranslator<TextKey>({ 'zh-CN': zh, en });
export const { isTextKey, t } = translator;

/** Applies the language to the document and its static markup. */
export function translate(root: ParentNode = document): void {
  document.documentElement.lang = getLang();
  translator.translate(root);
}

/** Wires a `<select>` of languages: shows the current one and re-translates on change. */
export function bindLangSwitch(select: HTMLSelectElement, onChange: () => void = () => undefined): void {
  select.value = loadLang();
  translate();
  select.addEventListener('change', () => {
    setLang(select.value === 'en' ? 'en' : 'zh-CN');
    translate();
    onChange();
  });
}
