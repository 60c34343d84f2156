/**
 * The /my page: open a conversation by its receipt code (typed, pasted, or from the link's `#code`), or
 * pick one of this browser's recent chats; download it as text or JSON; erase one's own messages in it.
 */
import { errorText, type ErrorCode } from '../../../src/shared/codes.js';
import { crockfordProblem, findCrockfordCode } from '../../../src/shared/crockford.js';
import { byTestId } from '../dom.js';
import { getLang, loadLang, setLang } from '../../shared/translator.js';
import { createToast } from '../toast.js';
import { eraseOwn, fetchTranscript, ReceiptFailure } from './receipts-api.js';
import { createRecentChats } from './recent-chats.js';
import { myTexts } from './texts.js';
import { createTranscriptView } from './transcript-view.js';

const { t, translate } = myTexts;

/**
 * A receipt code's length and the longest input the server reads as one (src/privacy/receipt-codes.ts,
 * not imported: it needs node:crypto). The shape is checked by the server's own canonicalisation, so a
 * code it would refuse (a U, which Crockford's alphabet lacks) is called mistyped here — naming the
 * character — not "not found".
 */
const RECEIPT_CODE_CHARS = 28;
const MAX_CODE_INPUT = 80;
/** What is wrong with a typed code, said in the page's language (a function: a language switch re-says it); undefined when it is one. */
function codeProblemText(input: string): (() => string) | undefined {
  const problem = crockfordProblem(input, RECEIPT_CODE_CHARS, MAX_CODE_INPUT);
  if (problem === undefined) return undefined;
  // The character no code has, by name (typed 28 characters with a U, "28 letters or digits" said nothing).
  if (problem.kind === 'char') return () => t('codeBadChar', { n: shownChar(problem.char) });
  if (problem.kind === 'tooLong') return () => t('codeTooLong');
  return () => t('codeInvalid', { n: problem.symbols });
}

/** A character as it can be seen: an invisible one (a zero-width space pasted from a chat app) by its code point. */
function shownChar(char: string): string {
  return /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(char) ? char : `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

const form = byTestId('code-form', HTMLFormElement);
const input = byTestId('code-input', HTMLInputElement);
const formError = byTestId('code-error', HTMLElement);
const langSwitch = byTestId('lang-switch', HTMLSelectElement);
const toastElement = byTestId('toast', HTMLElement);
const toast = createToast(toastElement);

const recent = createRecentChats(byTestId('recent', HTMLElement), {
  open: (code) => {
    input.value = code;
    void open(code);
  },
  failureText: (error) => (error instanceof ReceiptFailure && error.code === 'RATE_LIMITED' ? t('rateLimited', { n: error.retryAfterS }) : t('recentFailed')),
  lang: getLang,
});
const view = createTranscriptView(byTestId('conversation', HTMLElement), byTestId('erase-dialog', HTMLDialogElement), {
  lang: getLang,
  erase: (code) => erase(code),
  confirmationDropped: () => say(() => t('eraseDropped')),
  readAgain: (code) => void readAgain(code),
  downloadFailed: (error) => say(() => downloadFailureText(error)),
});

/** The page's own texts where it can say more (a receipt not found, when to retry); else the catalogue's. */
function specificText(error: unknown): string | undefined {
  if (!(error instanceof ReceiptFailure)) return undefined;
  if (error.code === 'NOT_FOUND') return t('notFound');
  if (error.code === 'RATE_LIMITED') return t('rateLimited', { n: error.retryAfterS });
  if (error.code === 'REPORT_WINDOW_OPEN') return t('reportWindow', { n: error.retryAfterS });
  if (error.code === 'REPORT_OPEN' || error.code === 'SANCTION_IN_FORCE' || error.code === 'CROSS_SITE_REQUEST') return errorText[getLang()][error.code];
  return undefined;
}

/** Why a conversation could not be opened. */
const openFailureText = (error: unknown) => specificText(error) ?? t('loadFailed');

/** Why an erasure did not happen: a chat still going on is refused (CONFLICT); a server or network failure, said as such. */
function eraseFailureText(error: unknown): string {
  if (error instanceof ReceiptFailure && error.code === 'CONFLICT') return t('eraseActive');
  return specificText(error) ?? t('eraseFailed');
}

/** Why a download saved nothing: the conversation gone meanwhile (erased, its retention over), a wait, a failure. */
function downloadFailureText(error: unknown): string {
  if (error instanceof ReceiptFailure && error.code === 'NOT_FOUND') return t('downloadNotFound');
  if (error instanceof ReceiptFailure && error.code === 'RATE_LIMITED') return t('downloadRateLimited', { n: error.retryAfterS });
  return specificText(error) ?? t('downloadFailed');
}

/**
 * What the form's error and the toast say, kept as texts of the current language (a function, called
 * again): a language switch renders them again rather than leaving them in the language they came in.
 */
let formErrorText: (() => string) | undefined;
let toastText: (() => string) | undefined;

function renderFormError(): void {
  const text = formErrorText?.();
  formError.textContent = text ?? '';
  formError.hidden = text === undefined;
  input.setAttribute('aria-invalid', String(text !== undefined));
}

function showFormError(text: (() => string) | undefined): void {
  formErrorText = text;
  renderFormError();
}

function say(text: () => string): void {
  toastText = text;
  toast.show(text());
}

/**
 * Counts the opens: an answer is shown only while its open is the latest. Two quick opens may finish out
 * of order, and an erasure that ends after another conversation was opened must leave that one on screen.
 */
let opened = 0;

async function open(code: string): Promise<void> {
  const mine = ++opened;
  showFormError(undefined);
  try {
    const read = await fetchTranscript(code);
    if (mine !== opened) return;
    view.show(read.transcript, read.receivedAtMs);
    byTestId('conversation-title', HTMLElement).focus();
  } catch (error) {
    if (mine !== opened) return;
    // The conversation on screen (if any) stays: only the one asked for could not be opened.
    showFormError(() => openFailureText(error));
    input.focus();
  }
}

/**
 * Refusals that say the conversation is not as the page last read it (a report filed since, the report
 * window or the chat not over after all): read it again, so its Erase button and hint say what the server says.
 */
const REREAD_AFTER: readonly ErrorCode[] = ['REPORT_OPEN', 'REPORT_WINDOW_OPEN', 'SANCTION_IN_FORCE', 'CONFLICT'];

/**
 * Reads the conversation of `code` again and shows it, if it is still the one on screen (checked again
 * before it is shown: another may have arrived meanwhile; not "no open since": one that failed left this
 * conversation on screen). False only when it could not be read: nothing changes on screen then.
 */
async function readAgain(code: string): Promise<boolean> {
  const stillShown = () => view.code === code;
  if (!stillShown()) return true;
  try {
    const read = await fetchTranscript(code);
    if (stillShown()) view.show(read.transcript, read.receivedAtMs);
    return true;
  } catch {
    return false;
  }
}

/**
 * The erasure's outcome is told on its own; then the conversation is read again to show it. If that
 * reading fails (a rate limit, a network blip) the erasure still happened: the holder's messages are
 * marked from the erase answer, so nobody takes the old text on screen for an erasure that failed. A
 * refusal is told, and stays told while the conversation read again shows why.
 */
async function erase(code: string): Promise<void> {
  let result: Awaited<ReturnType<typeof eraseOwn>>;
  try {
    result = await eraseOwn(code);
  } catch (error) {
    say(() => eraseFailureText(error));
    if (error instanceof ReceiptFailure && REREAD_AFTER.includes(error.code)) await readAgain(code);
    return;
  }
  const erased = result.erased;
  say(() => t(erased === 1 ? 'erasedOne' : 'erased', { n: erased }));
  if (!(await readAgain(code))) view.markOwnErased(code, result.erased_at);
}

function applyLang(): void {
  document.documentElement.lang = getLang();
  document.title = t('pageTitle');
  translate(document.body);
  recent.render();
  view.render();
  renderFormError();
  // A toast still up says it again in the new language (its time to go is not restarted).
  if (!toastElement.hidden && toastText) toastElement.textContent = toastText();
}

/**
 * The code in what was typed or pasted: the text itself, or else the one code inside it (a line copied
 * whole from a downloaded file, "回执码: ABCD-…", or the chat page's link) — shown in the field as used.
 */
function codeIn(typed: string): string {
  if (codeProblemText(typed) === undefined) return typed;
  const found = findCrockfordCode(typed, RECEIPT_CODE_CHARS);
  if (found === undefined) return typed;
  input.value = found;
  return found;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const code = codeIn(input.value.trim());
  const problem = codeProblemText(code);
  if (problem !== undefined) {
    showFormError(problem);
    input.focus();
    return;
  }
  void open(code);
});

langSwitch.value = loadLang();
applyLang();
langSwitch.addEventListener('change', () => {
  setLang(langSwitch.value === 'en' ? 'en' : 'zh-CN');
  applyLang();
});

void recent.load();

// From the chat page's link: /my#ABCD-…. The fragment is dropped from the address bar once read — on
// arrival, and when such an address is typed or pasted into a tab already on /my (only the fragment
// changes then: no page load, a `hashchange`).
function codeFromLink(): string {
  try {
    return decodeURIComponent(window.location.hash.slice(1));
  } catch {
    return '';
  }
}
function openFromLink(): void {
  const fromLink = codeFromLink();
  if (!fromLink) return;
  history.replaceState(null, '', window.location.pathname);
  input.value = fromLink;
  const code = codeIn(fromLink.trim());
  const problem = codeProblemText(code);
  if (problem === undefined) void open(code);
  else showFormError(problem);
}
openFromLink();
window.addEventListener('hashchange', openFromLink);
