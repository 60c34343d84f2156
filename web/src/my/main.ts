/**
 * The /my page: open a conversation by its receipt code (typed, pasted, or from the link's `#code`), or
 * pick one of this browser's recent chats; download it as text or JSON; erase one's own messages in it.
 */
import type { MyChat } from '../../../src/shared/protocol.js';
import { errorText } from '../../../src/shared/codes.js';
import { byTestId, element } from '../dom.js';
import { getLang, loadLang, setLang } from '../../shared/translator.js';
import { createToast } from '../toast.js';
import { eraseOwn, fetchRecentChats, fetchTranscript, ReceiptFailure } from './receipts-api.js';
import { myTexts } from './texts.js';
import { createTranscriptView } from './transcript-view.js';

const { t, translate } = myTexts;

/** 28 characters of the code alphabet (and the look-alikes the server forgives), separators aside. */
const CODE_SHAPE = /^[0-9A-Z]{28}$/;

const form = byTestId('code-form', HTMLFormElement);
const input = byTestId('code-input', HTMLInputElement);
const formError = byTestId('code-error', HTMLElement);
const recentList = byTestId('recent-list', HTMLUListElement);
const recentEmpty = byTestId('recent-empty', HTMLElement);
const langSwitch = byTestId('lang-switch', HTMLSelectElement);
const toast = createToast(byTestId('toast', HTMLElement));
let recent: MyChat[] = [];

const view = createTranscriptView(byTestId('conversation', HTMLElement), byTestId('erase-dialog', HTMLDialogElement), {
  lang: getLang,
  erase: (code) => erase(code),
});

/** The page's own texts where it can say more (a receipt not found, when to retry); else the catalogue's. */
function failureText(error: unknown): string {
  if (!(error instanceof ReceiptFailure)) return t('loadFailed');
  if (error.code === 'NOT_FOUND') return t('notFound');
  if (error.code === 'RATE_LIMITED') return t('rateLimited', { n: error.retryAfterS });
  if (error.code === 'REPORT_WINDOW_OPEN') return t('reportWindow', { n: error.retryAfterS });
  if (error.code === 'REPORT_OPEN' || error.code === 'CROSS_SITE_REQUEST') return errorText[getLang()][error.code];
  return t('loadFailed');
}

function showFormError(text: string | undefined): void {
  formError.textContent = text ?? '';
  formError.hidden = text === undefined;
  input.setAttribute('aria-invalid', String(text !== undefined));
}

async function open(code: string): Promise<void> {
  showFormError(undefined);
  try {
    view.show(await fetchTranscript(code));
    byTestId('conversation-title', HTMLElement).focus();
  } catch (error) {
    view.hide();
    showFormError(failureText(error));
    input.focus();
  }
}

async function erase(code: string): Promise<void> {
  try {
    const result = await eraseOwn(code);
    toast.show(t('erased', { n: result.erased }));
    view.show(await fetchTranscript(code));
  } catch (error) {
    toast.show(failureText(error));
  }
}

function recentItem(chat: MyChat): HTMLLIElement {
  const item = element('li', 'recent-item');
  item.dataset['testid'] = 'recent-chat';
  item.dataset['roomId'] = String(chat.room_id);
  const when = chat.ended_at.slice(0, 16).replace('T', ' ');
  const info = element('span', 'recent-info');
  info.append(element('span', 'recent-when', when), element('span', 'recent-count', t('recentItem', { n: chat.message_count })));
  const code = element('code', 'receipt-code', chat.code);
  code.dataset['testid'] = 'recent-code';
  const button = element('button', 'btn btn-secondary btn-small', t('recentOpen'));
  button.type = 'button';
  button.dataset['testid'] = 'recent-open';
  button.setAttribute('aria-label', t('recentOpenLabel', { n: when }));
  button.addEventListener('click', () => {
    input.value = chat.code;
    void open(chat.code);
  });
  item.append(info, code, button);
  return item;
}

function renderRecent(): void {
  recentList.replaceChildren(...recent.map(recentItem));
  recentEmpty.hidden = recent.length > 0;
}

function applyLang(): void {
  document.documentElement.lang = getLang();
  document.title = t('pageTitle');
  translate(document.body);
  renderRecent();
  view.render();
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const code = input.value.trim();
  if (!CODE_SHAPE.test(code.toUpperCase().replace(/[\s\-_.·]/g, ''))) {
    showFormError(t('codeInvalid'));
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

void fetchRecentChats().then(
  (answer) => {
    recent = answer.chats;
    renderRecent();
  },
  () => {
    recent = [];
    renderRecent();
  },
);

// From the chat page's link: /my#ABCD-…. The fragment is dropped from the address bar once read.
function codeFromLink(): string {
  try {
    return decodeURIComponent(window.location.hash.slice(1));
  } catch {
    return '';
  }
}
const fromLink = codeFromLink();
if (fromLink) {
  history.replaceState(null, '', window.location.pathname);
  input.value = fromLink;
  void open(fromLink);
}
