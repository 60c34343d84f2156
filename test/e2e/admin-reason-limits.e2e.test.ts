/**
 * A sanction's reason (the Sanctions page's form and the sanction dialog) and an erasure's reason, pasted
 * over the server's 500, in a real Chromium against the real server: kept whole (a `maxlength` cut the
 * paste's end unseen), the counter "n/500" red, the limit said in words under the field (reworded on a
 * language switch), the field `aria-invalid`, and nothing sent — Submit puts the focus on the field; once
 * it fits (500, trimmed as the server trims) it is sent whole. A dialog opened again starts at 0/500.
 * axe (0 serious or critical) on the forms while over, light and dark.
 * Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, injectLogin } from '../admin/helpers.js';
import { expectNoSeriousViolations } from '../helpers/axe.js';
import { focused, skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('admin reason limit browser tests');

const WAIT_MS = 10_000;
const { until, text, visible } = chatPageDriver(WAIT_MS);
const PERSON = 'rlimitsubj01';
const PARTNER = 'rlimitpart02';
/** 600 characters, as a paste from elsewhere would bring. */
const PASTE = '多次发送广告链接。'.repeat(66) + '索要联系方式';
const ZH_REASON = '太长了：原因最多 500 字，删减后才能提交';
const EN_REASON = 'Too long: a reason holds 500 characters at most. Shorten it to submit';

describe.skipIf(skip)('reasons over the limit in the admin, in a browser', () => {
  const suite = browserSuite({ config: { adminPassword: ADMIN_PASSWORD } });
  let session = '';
  let roomId = 0;

  beforeAll(async () => {
    session = await injectLogin(suite.server.app.fastify);
    const { repository } = suite.server.app;
    const at = Date.now() - 3_600_000;
    roomId = (await repository.createRoom({ user1Id: PERSON, user2Id: PARTNER, matchType: 'random', createdAt: new Date(at) })).id;
    await repository.appendMessages([{ roomId, senderId: PERSON, content: '加我微信', createdAt: new Date(at + 1_000) }]);
    await repository.endRoom(roomId, 'left', new Date(at + 2_000));
  }, 60_000);

  async function adminPage(hash: string): Promise<Page> {
    const context = await suite.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const [name, value] = session.split('=') as [string, string];
    await context.addCookies([{ name, value, url: `${suite.url}/admin` }]);
    const page = await context.newPage();
    await page.goto(`${suite.url}/admin${hash}`);
    await expect.poll(() => page.evaluate(() => document.body.hasAttribute('data-can-moderate')), until).toBe(true);
    return page;
  }

  /** The sanctions ever issued on `userId`, as the admin API lists them. */
  async function sanctionsOf(userId: string): Promise<{ user_id: string | null; reason: string }[]> {
    const listed = await suite.server.app.fastify.inject({ method: 'GET', url: '/admin/api/sanctions?all=1&limit=100', headers: { cookie: session } });
    expect(listed.statusCode, listed.body).toBe(200);
    return (listed.json() as { sanctions: { user_id: string | null; reason: string }[] }).sanctions.filter((s) => s.user_id === userId);
  }

  /** Pastes the long text into `field` and checks that it is kept, counted and said. */
  async function pasteOver(page: Page, field: Locator, testId: string): Promise<void> {
    await field.focus();
    await page.keyboard.insertText(PASTE);
    expect((await field.inputValue()).length).toBe(600);
    const count = page.getByTestId(`${testId}-count`);
    expect(await count.textContent()).toBe('600/500');
    expect(await count.getAttribute('data-over')).toBe('true');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    await visible(page.getByTestId(`${testId}-too-long`));
    expect(await page.getByTestId(`${testId}-too-long`).textContent()).toBe(ZH_REASON);
  }

  /** Cut to 500 with a trailing space (trimmed, as the server trims): it fits, and the line goes. */
  async function cutToFit(page: Page, field: Locator, testId: string): Promise<string> {
    const fits = PASTE.slice(0, 500);
    await field.fill(`${fits} `);
    expect(await page.getByTestId(`${testId}-count`).textContent()).toBe('500/500');
    expect(await page.getByTestId(`${testId}-count`).getAttribute('data-over')).toBe('false');
    expect(await field.getAttribute('aria-invalid')).toBe('false');
    expect(await page.getByTestId(`${testId}-too-long`).isHidden()).toBe(true);
    return fits;
  }

  it("the Sanctions page's reason: kept whole, said in both languages, refused until it fits; 500 is sent", { timeout: 60_000 }, async () => {
    const page = await adminPage('#sanctions');
    const form = page.getByTestId('sanction-form');
    const reason = form.getByTestId('sanction-reason');
    await visible(reason);
    expect(await form.getByTestId('sanction-reason-count').textContent()).toBe('0/500');
    await form.getByTestId('sanction-user').fill(PERSON);
    await form.getByTestId('sanction-kind').selectOption('warning');
    await pasteOver(page, reason, 'sanction-reason');

    // Submit sends nothing: the focus goes to the reason, described by the line that says why.
    await form.getByTestId('sanction-user').focus();
    await form.getByTestId('sanction-submit').click();
    await expect.poll(focused(page), until).toBe('sanction-reason');
    expect(await reason.getAttribute('aria-describedby')).toContain('sanction-reason-too-long');
    expect(await form.getByTestId('sanction-error').isHidden()).toBe(true);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expectNoSeriousViolations(page, `sanction reason too long, zh-CN, ${scheme}`, { include: '[data-testid="sanction-form"]' });
    }
    await page.getByTestId('lang-switch').selectOption('en');
    await expect.poll(text(form.getByTestId('sanction-reason-too-long')), until).toBe(EN_REASON);
    await page.getByTestId('lang-switch').selectOption('zh-CN');
    await expect.poll(text(form.getByTestId('sanction-reason-too-long')), until).toBe(ZH_REASON);
    expect(await sanctionsOf(PERSON)).toEqual([]);

    const fits = await cutToFit(page, reason, 'sanction-reason');
    await form.getByTestId('sanction-submit').click();
    await expect.poll(text(page.getByTestId('toast')), until).toBe(`已处罚 ${PERSON}`);
    await expect.poll(async () => (await sanctionsOf(PERSON)).map((s) => s.reason), until).toEqual([fits]);
    // The form starts again empty: the counter too.
    expect(await form.getByTestId('sanction-reason-count').textContent()).toBe('0/500');
  });

  it("the sanction dialog's reason and the erasure's reason: refused while over; opened again at 0/500", { timeout: 60_000 }, async () => {
    const page = await adminPage(`#room/${roomId}`);
    const opener = page.getByTestId('sanction-user1');
    await visible(opener);
    await opener.click();
    const dialog = page.getByTestId('sanction-dialog');
    await visible(dialog);
    const reason = dialog.getByTestId('dialog-reason');
    await pasteOver(page, reason, 'dialog-reason');
    await dialog.getByTestId('dialog-submit').click();
    await expect.poll(focused(page), until).toBe('dialog-reason');
    expect(await dialog.isVisible()).toBe(true);
    await expectNoSeriousViolations(page, 'sanction dialog reason too long', { include: '[data-testid="sanction-dialog"]' });
    await dialog.getByTestId('dialog-cancel').click();
    await dialog.waitFor({ state: 'hidden', timeout: WAIT_MS });
    await opener.click();
    await visible(dialog);
    expect(await dialog.getByTestId('dialog-reason-count').textContent()).toBe('0/500');
    expect(await dialog.getByTestId('dialog-reason-too-long').isHidden()).toBe(true);
    expect(await reason.getAttribute('aria-invalid')).toBe('false');
    await dialog.getByTestId('dialog-cancel').click();
    await dialog.waitFor({ state: 'hidden', timeout: WAIT_MS });
    expect(await sanctionsOf(PERSON)).toHaveLength(1); // the first test's, none from here

    await page.getByTestId('erase-room').click();
    const erase = page.getByTestId('erase-dialog');
    await visible(erase);
    const why = erase.getByTestId('erase-reason');
    await pasteOver(page, why, 'erase-reason');
    await erase.getByTestId('erase-submit').click();
    await expect.poll(focused(page), until).toBe('erase-reason');
    // No confirmation was asked: nothing is on its way.
    expect(await page.getByTestId('confirm-dialog').isVisible()).toBe(false);
    await page.emulateMedia({ colorScheme: 'dark' });
    await expectNoSeriousViolations(page, 'erase reason too long, dark', { include: '[data-testid="erase-dialog"]' });
    const fits = await cutToFit(page, why, 'erase-reason');
    await erase.getByTestId('erase-submit').click();
    await page.getByTestId('confirm-ok').click();
    await erase.waitFor({ state: 'hidden', timeout: WAIT_MS });
    await expect.poll(text(page.getByTestId('toast')), until).toBe('已删除 1 条消息');
    const audit = await suite.server.app.fastify.inject({ method: 'GET', url: '/admin/api/audit?limit=5', headers: { cookie: session } });
    expect(audit.body).toContain(fits);
  });
});
