/**
 * The content policy page end to end, in a real Chromium against the real server: the admin filters the
 * default list, adds a term to block with the keyboard (bad input refused with a reason), saves; a chatter
 * (a socket.io client on the same server) sending it gets BLOCKED_CONTENT, and the report on that
 * conversation shows the held message as text with what was found; the term removed and saved, the
 * message goes through. The server's refusal is shown in both languages, and the page speaks English.
 * Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import type { BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { AckResponse } from '../../src/shared/protocol.js';
import { ADMIN_PASSWORD } from '../admin/helpers.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';
import { eventually, matchedPair, request, type TestSocket } from '../helpers/client.js';

const skip = skipWithoutChromium('admin content policy browser tests');

const WAIT_MS = 10_000;
const TERM = '菠萝蜜';
const MESSAGE = `<b>我想吃${TERM}</b>`;
const { until, text, visible } = chatPageDriver(WAIT_MS);

describe.skipIf(skip)('the content policy page in a browser', () => {
  const suite = browserSuite({ config: { adminPassword: ADMIN_PASSWORD } });
  const sockets: TestSocket[] = [];
  afterAll(() => {
    for (const socket of sockets) socket.disconnect();
  });

  async function adminPage(options: BrowserContextOptions = {}): Promise<Page> {
    const page = await (await suite.newContext({ viewport: { width: 1280, height: 900 }, ...options })).newPage();
    await page.goto(`${suite.url}/admin`);
    await page.getByTestId('password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-btn').click();
    await visible(page.getByTestId('view-dashboard'));
    return page;
  }

  const rowTerms = (page: Page) => page.getByTestId('policy-row').getByTestId('policy-term').allTextContents();
  const send = (socket: TestSocket, content: string) => request<AckResponse>(socket, 'send_message', { content });

  it('a term added and saved is blocked, the held message shows in the report, and removing it lets the message through', { timeout: 120_000 }, async () => {
    const admin = await adminPage();
    await admin.getByTestId('tab-policy').click();
    const view = admin.getByTestId('view-policy');
    await visible(view);
    expect(await admin.getByTestId('tab-policy').textContent()).toBe('内容策略');
    expect(await admin.getByTestId('tab-policy').getAttribute('aria-current')).toBe('page');
    await expect.poll(text(view.getByTestId('policy-count')), until).toBe('共 41 个词条');
    expect(await view.getByTestId('policy-links').inputValue()).toBe('flag');
    expect(await view.getByTestId('policy-dirty').isHidden()).toBe(true);

    // The filter narrows the list (case and width do not matter).
    await view.getByTestId('policy-filter').fill('微信');
    await expect.poll(() => rowTerms(admin), until).toEqual(['加微信', '加我微信']);
    expect(await view.getByTestId('policy-count').textContent()).toBe('2 个匹配（共 41 个词条）');
    await view.getByTestId('policy-filter').fill('ＳＥＸ');
    await expect.poll(() => rowTerms(admin), until).toEqual(['sex chat']);
    await view.getByTestId('policy-filter').fill('');

    // Adding with the keyboard: an empty term and a duplicate are refused with a reason, nothing changes.
    const newTerm = view.getByTestId('policy-new-term');
    await newTerm.focus();
    await admin.keyboard.press('Enter');
    expect(await view.getByTestId('policy-add-error').textContent()).toBe('请输入词条');
    await newTerm.fill('约炮');
    await admin.keyboard.press('Enter');
    expect(await view.getByTestId('policy-add-error').textContent()).toBe('“约炮”已在列表中');
    expect(await view.getByTestId('policy-dirty').isHidden()).toBe(true);
    await newTerm.fill(TERM);
    await view.getByTestId('policy-new-action').selectOption('block');
    await newTerm.press('Enter');
    await expect.poll(async () => (await rowTerms(admin))[0], until).toBe(TERM);
    expect(await view.getByTestId('policy-add-error').isHidden()).toBe(true);
    expect(await view.getByTestId('policy-term-action').first().inputValue()).toBe('block');
    expect(await view.getByRole('combobox', { name: `“${TERM}”的处理方式` }).inputValue()).toBe('block');
    expect(await view.getByTestId('policy-dirty').textContent()).toBe('有未保存的更改');
    expect(await view.getByTestId('policy-dirty').isVisible()).toBe(true);
    expect(await view.getByTestId('policy-count').textContent()).toBe('共 42 个词条');

    // Saved: the mark goes, the server has it.
    await view.getByTestId('policy-save').click();
    await expect.poll(text(admin.getByTestId('toast')), until).toBe('内容策略已保存，所有实例立即生效');
    expect(await view.getByTestId('policy-dirty').isHidden()).toBe(true);
    const saved = await admin.evaluate(async () => (await fetch('/admin/api/policy')).json() as Promise<{ terms: { term: string; action: string }[] }>);
    expect(saved.terms[0]).toEqual({ term: TERM, action: 'block' });
    expect(saved.terms).toHaveLength(42);

    // A chatter sending it is refused; the partner reports the conversation.
    const { a, b, aId, roomId } = await matchedPair(suite.url);
    sockets.push(a, b);
    await eventually(async () => expect(await send(a, MESSAGE)).toMatchObject({ ok: false, code: 'BLOCKED_CONTENT' }), WAIT_MS);
    const filed = await request<AckResponse<{ report_id: number }>>(b, 'report', { reason: 'spam' });
    if (!filed.ok) throw new Error(`report refused: ${filed.code}`);
    const [room] = await suite.server.database.query<{ user1_id: string }>('SELECT user1_id FROM chat_rooms WHERE id = $1', [roomId]);
    const side = room?.user1_id === aId ? '用户1' : '用户2';

    // The report shows what was held back: sender, the text as text, what was found, the time.
    await admin.goto(`${suite.url}/admin#report/${filed.report_id}`);
    const report = admin.getByTestId('view-report');
    const held = report.getByTestId('held-messages');
    await visible(held);
    expect(await held.locator('.card-title').textContent()).toBe('被内容策略拦截的消息');
    const item = held.getByTestId('held-message');
    expect(await item.count()).toBe(1);
    expect(await item.getByTestId('held-text').textContent()).toBe(MESSAGE);
    expect(await item.locator('b, script, img').count()).toBe(0);
    expect(await item.locator('.message-sender').textContent()).toBe(`${side} · ${aId}`);
    expect(await item.getByTestId('held-reasons').textContent()).toBe('发现：词条');
    expect(await item.locator('time').textContent()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    // Removed with the keyboard and saved: the same message goes through.
    await admin.getByTestId('tab-policy').click();
    await visible(view);
    await view.getByTestId('policy-filter').fill(TERM);
    await expect.poll(() => rowTerms(admin), until).toEqual([TERM]);
    await view.getByRole('button', { name: `删除词条“${TERM}”` }).focus();
    await admin.keyboard.press('Enter');
    await expect.poll(() => rowTerms(admin), until).toEqual([]);
    expect(await view.getByTestId('policy-empty').isVisible()).toBe(true);
    expect(await view.getByTestId('policy-dirty').isVisible()).toBe(true);
    await view.getByTestId('policy-save').click();
    await expect.poll(async () => view.getByTestId('policy-dirty').isHidden(), until).toBe(true);
    await eventually(async () => expect(await send(a, MESSAGE)).toMatchObject({ ok: true }), WAIT_MS);

    // Audited, named in the log.
    await admin.getByTestId('tab-audit').click();
    await expect.poll(async () => (await admin.locator('[data-testid="audit-row"] td:nth-child(2)').allTextContents()).slice(0, 1), until).toEqual(['修改内容策略']);
  });

  it('shows the server’s refusal and the page’s labels in both languages', { timeout: 60_000 }, async () => {
    const admin = await adminPage();
    await admin.route('**/admin/api/policy', (route) =>
      route.request().method() === 'PUT'
        ? route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ error: 'INVALID_PAYLOAD', message: 'body.terms.0.term: Too long' }) })
        : route.continue(),
    );
    await admin.getByTestId('tab-policy').click();
    const view = admin.getByTestId('view-policy');
    await expect.poll(text(view.getByTestId('policy-count')), until).toBe('共 41 个词条');
    await view.getByTestId('policy-links').selectOption('block');
    expect(await view.getByTestId('policy-dirty').isVisible()).toBe(true);
    await view.getByTestId('policy-save').click();
    await expect.poll(text(view.getByTestId('policy-error')), until).toBe('服务器拒绝保存：body.terms.0.term: Too long');
    expect(await view.getByTestId('policy-dirty').isVisible()).toBe(true);

    await admin.getByTestId('lang-switch').selectOption('en');
    expect(await admin.getByTestId('tab-policy').textContent()).toBe('Content policy');
    expect(await view.locator('.card-title').allTextContents()).toEqual(['Content policy', 'Add a term', 'Terms']);
    expect(await view.getByLabel('Links').inputValue()).toBe('block');
    expect(await view.getByLabel('Term', { exact: true }).count()).toBe(1);
    expect(await view.getByLabel('Filter').count()).toBe(1);
    expect(await view.getByTestId('policy-save').textContent()).toBe('Save');
    expect(await view.getByTestId('policy-dirty').textContent()).toBe('Unsaved changes');
    expect(await view.getByTestId('policy-count').textContent()).toBe('41 terms');
    expect(await view.locator('thead th').allTextContents()).toEqual(['Term', 'Action', 'Remove']);
    expect(await view.getByTestId('policy-term-action').first().locator('option').allTextContents()).toEqual(['Allow', 'Flag for review', 'Mask and deliver', 'Block']);
    await view.getByTestId('policy-save').click();
    await expect.poll(text(view.getByTestId('policy-error')), until).toBe('The server refused to save: body.terms.0.term: Too long');

    // Discarding asks first, then shows the server's policy again.
    await view.getByTestId('policy-revert').click();
    await visible(admin.getByTestId('confirm-dialog'));
    await admin.getByTestId('confirm-ok').click();
    await expect.poll(async () => view.getByTestId('policy-links').inputValue(), until).toBe('flag');
    expect(await view.getByTestId('policy-dirty').isHidden()).toBe(true);
  });
});
