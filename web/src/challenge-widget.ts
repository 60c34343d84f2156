/**
 * The ALTCHA widget, loaded only when the server asks for a bot check (a separate chunk): the build
 * without bundled workers or inline styles (`altcha/external`, for the page's strict CSP), its stylesheet,
 * its PBKDF2 worker (bundled by Vite, served from this site), and its Chinese texts. Nothing is fetched
 * from anywhere but this server.
 */
import 'altcha/external';
import 'altcha/altcha.css';
import 'altcha/i18n/zh-cn';
import Pbkdf2Worker from 'altcha/workers/pbkdf2?worker';
import type { AltchaWidgetElement } from 'altcha/types/generic';
import type { AltchaGlobal } from 'altcha/types';
import type { Lang } from './i18n.js';

// The package declares this global in a file its own extension-less imports do not reach under NodeNext.
const altcha = (globalThis as unknown as { $altcha: AltchaGlobal }).$altcha;
// The only algorithm the server issues (src/door/altcha-challenges.ts).
altcha.algorithms.set('PBKDF2/SHA-256', () => new Pbkdf2Worker());

/**
 * How long the widget works on one challenge before it gives up (then the panel offers Retry). The
 * default difficulty takes about a second on two cores (README, CHALLENGE_COST): thirty times that
 * leaves room for a slow phone, and a challenge that cannot be solved (tampered with on the way, or made
 * for far more attempts than ours) fails within half a minute rather than the widget's own 90 s.
 */
export const SOLVE_TIMEOUT_MS = 30_000;

/** A widget that fetches a challenge from this server and starts solving it as soon as it is on the page. */
export function createWidget(lang: Lang): AltchaWidgetElement {
  const widget = document.createElement('altcha-widget');
  widget.setAttribute('challenge', '/api/challenge');
  widget.setAttribute('auto', 'onload');
  widget.setAttribute('language', widgetLanguage(lang));
  // No link out of the page, and no interaction data collected (this server never asks for it).
  widget.setAttribute('configuration', JSON.stringify({ hideFooter: true, humanInteractionSignature: false, timeout: SOLVE_TIMEOUT_MS }));
  return widget;
}

export function widgetLanguage(lang: Lang): string {
  return lang === 'en' ? 'en' : 'zh-cn';
}
