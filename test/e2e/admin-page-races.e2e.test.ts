/**
 * The admin page when answers fail, come late or come out of order, in a real Chromium against the real
 * server (requests held back or failed with `page.route`):
 * - the content policy cannot be edited or saved before it has been read: a first read that fails says
 *   so with Retry (both languages, keyboard, axe-clean) and nothing it leaves on screen can replace the
 *   policy in force; a first read that is slow takes no edit or save meanwhile; a later read answered
 *   after an edit does not undo it; every save carries the version read (`If-Match`);
 * - a conversation or a report whose answer arrives after another one was opened is not shown over it,
 *   and a decision on a report re-opens it only while it is still the one shown.
 * Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import type { BrowserContext, Page, Request, Route } from 'playwright-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../admin/helpers.js';
import { expectNoSeriousViolations } from '../helpers/axe.js';
import { newPage } from '../helpers/axe-walk.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('admin page races browser tests');

const WAIT_MS = 15_000;
const { until, text, visible } = chatPageDriver(WAIT_MS);
const LOAD_FAILED_ZH = '内容策略加载失败：Bad Gateway。加载成功之前不能修改或保存。';
const LOAD_FAILED_EN = 'The content policy could not be loaded: Bad Gateway. It cannot be edited or saved until it has loaded.';

interface Policy {
  terms: { term: string; action: string }[];
  links: string;
}

/** A request held back until `release()`: `seen` resolves once the page has made it. */
function holdBack(): { handler: (route: Route) => Promise<void>; seen: Promise<void>; release: () => void } {
  let release: () => void = () => undefined;
  let markSeen: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  const seen = new Promise<void>((resolve) => (markSeen = resolve));
  return {
    seen,
    release,
    async handler(route) {
      markSeen();
      await released;
      await route.continue();
    },
  };
}

describe.skipIf(skip)('the admin page with failed, slow and out-of-order answers', () => {
  const suite = browserSuite({ config: { adminPassword: ADMIN_PASSWORD } });

  /** One logged-in browser per language (logins are rate-limited: 5 a minute); each test gets its own page in it. */
  const loggedIn = new Map<string, BrowserContext>();
  /** Each test's pages, closed after it (what it held back or left polling goes with them). */
  const pages: Page[] = [];
  afterEach(async () => {
    for (const page of pages.splice(0)) await page.close().catch(() => undefined);
  });

  async function adminPage(locale = 'zh-CN'): Promise<Page> {
    const context = loggedIn.get(locale);
    if (context) {
      const page = await context.newPage();
      pages.push(page);
      await page.goto(`${suite.url}/admin`);
      await visible(page.getByTestId('view-dashboard'));
      return page;
    }
    // bypassCSP: axe is let into the page for the failed-read check.
    const page = await newPage(suite, { viewport: { width: 1280, height: 900 }, locale });
    pages.push(page);
    await page.goto(`${suite.url}/admin`);
    await page.getByTestId('password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-btn').click();
    await visible(page.getByTestId('view-dashboard'));
    loggedIn.set(locale, page.context());
    return page;
  }

  /** The policy in force, read by the test itself (with the page's session: logins are rate-limited). */
  const inForce = async (page: Page): Promise<Policy> => (await page.request.get(`${suite.url}/admin/api/policy`)).json() as Promise<Policy>;
  const rowTerms = (page: Page) => page.getByTestId('policy-row').getByTestId('policy-term').allTextContents();

  /** What an admin (or a script, or a stray Enter) can still do with disabled controls: submit the forms anyway. */
  async function tryToAddAndSave(page: Page, term: string): Promise<void> {
    await page.evaluate((value) => {
      const input = document.querySelector<HTMLInputElement>('[data-testid="policy-new-term"]')!;
      input.value = value;
      document.querySelector<HTMLFormElement>('[data-testid="policy-add-form"]')!.requestSubmit();
      document.querySelector<HTMLFormElement>('[data-testid="policy-form"]')!.requestSubmit();
    }, term);
  }

  const editingControls = (page: Page) => [
    page.getByTestId('policy-save'),
    page.getByTestId('policy-revert'),
    page.getByTestId('policy-links'),
    page.getByTestId('policy-new-term'),
    page.getByTestId('policy-new-action'),
    page.getByTestId('policy-add'),
  ];

  it('a first read of the policy that fails leaves nothing to edit or save, says so with Retry, and the policy in force is untouched', { timeout: 90_000 }, async () => {
    const page = await adminPage();
    const before = await inForce(page);
    expect(before.terms.length).toBeGreaterThan(1);
    const puts: Request[] = [];
    let gets = 0;
    await page.route('**/admin/api/policy', async (route) => {
      const request = route.request();
      if (request.method() === 'PUT') puts.push(request);
      if (request.method() === 'GET' && ++gets === 1) return route.fulfill({ status: 502, contentType: 'text/plain', body: 'Bad Gateway' });
      return route.continue();
    });

    await page.getByTestId('tab-policy').click();
    const view = page.getByTestId('view-policy');
    await expect.poll(() => gets, until).toBe(1);
    // The failed answer has been taken in: the page says so (before the fix: a toast, and an empty list to edit).
    await expect.poll(async () => (await page.getByTestId('policy-load-failed').isVisible()) || (await page.getByTestId('toast').isVisible()), until).toBe(true);

    // Whatever is tried, nothing is added and nothing is saved: the empty list never replaces the policy.
    await tryToAddAndSave(page, '菠萝');
    await page.waitForTimeout(500);
    expect(puts).toHaveLength(0);
    expect((await inForce(page)).terms).toEqual(before.terms);
    expect(await rowTerms(page)).toEqual([]);
    expect(await view.getByTestId('policy-dirty').isHidden()).toBe(true);

    // Said on the page, with Retry; every editing control is disabled.
    await visible(view.getByTestId('policy-load-failed'));
    expect(await view.getByTestId('policy-load-error').textContent()).toBe(LOAD_FAILED_ZH);
    expect(await view.getByTestId('policy-load-error').getAttribute('role')).toBe('alert');
    expect(await view.getByTestId('policy-retry').textContent()).toBe('重试');
    for (const control of editingControls(page)) expect(await control.isDisabled()).toBe(true);
    await expectNoSeriousViolations(page, 'admin content policy, read failed, zh-CN');
    await page.getByTestId('lang-switch').selectOption('en');
    expect(await view.getByTestId('policy-load-error').textContent()).toBe(LOAD_FAILED_EN);
    expect(await view.getByRole('button', { name: 'Retry' }).count()).toBe(1);
    await expectNoSeriousViolations(page, 'admin content policy, read failed, en');
    await page.getByTestId('lang-switch').selectOption('zh-CN');

    // Retry with the keyboard: the policy shows, the message goes, editing comes back, the focus on the term field.
    await view.getByTestId('policy-retry').focus();
    await page.keyboard.press('Enter');
    await expect.poll(text(view.getByTestId('policy-count')), until).toBe(`共 ${before.terms.length} 个词条`);
    expect(await view.getByTestId('policy-load-failed').isHidden()).toBe(true);
    for (const control of editingControls(page)) await expect.poll(() => control.isEnabled(), until).toBe(true);
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['testid']), until).toBe('policy-new-term');

    // Now an edit is saved on top of the policy read, with its version.
    await view.getByTestId('policy-new-term').fill('菠萝');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await rowTerms(page))[0], until).toBe('菠萝');
    await view.getByTestId('policy-save').click();
    await expect.poll(text(page.getByTestId('toast')), until).toBe('内容策略已保存，所有实例立即生效');
    expect(puts).toHaveLength(1);
    expect(await puts[0]!.headerValue('if-match')).toMatch(/^(W\/)?"p\d+"$/);
    const after = await inForce(page);
    expect(after.terms).toEqual([{ term: '菠萝', action: 'block' }, ...before.terms]);
  });

  it('while a slow first read is on its way nothing can be edited or saved, and its answer is shown whole', { timeout: 60_000 }, async () => {
    const page = await adminPage();
    const before = await inForce(page);
    const puts: Request[] = [];
    const held = holdBack();
    let gets = 0;
    await page.route('**/admin/api/policy', async (route) => {
      const request = route.request();
      if (request.method() === 'PUT') puts.push(request);
      if (request.method() === 'GET' && ++gets === 1) return held.handler(route);
      return route.continue();
    });

    await page.getByTestId('tab-policy').click();
    const view = page.getByTestId('view-policy');
    await held.seen;
    await tryToAddAndSave(page, '山竹');
    await page.waitForTimeout(500);
    // Before the fix the save went out without a version and replaced the policy with the one term.
    expect(puts).toHaveLength(0);
    expect((await inForce(page)).terms).toEqual(before.terms);
    expect(await view.getByTestId('policy-count').textContent()).toBe('正在加载内容策略…');
    expect(await view.getAttribute('aria-busy')).toBe('true');
    for (const control of editingControls(page)) expect(await control.isDisabled()).toBe(true);

    held.release();
    await expect.poll(text(view.getByTestId('policy-count')), until).toBe(`共 ${before.terms.length} 个词条`);
    expect(await rowTerms(page)).toEqual(before.terms.map((entry) => entry.term).slice(0, 300));
    expect(await view.getByTestId('policy-dirty').isHidden()).toBe(true);
    expect(await view.getAttribute('aria-busy')).toBe('false');
    for (const control of editingControls(page)) await expect.poll(() => control.isEnabled(), until).toBe(true);
    expect(puts).toHaveLength(0);
  });

  it('a read of the policy answered after an edit (coming back to the tab) does not undo the edit', { timeout: 60_000 }, async () => {
    const page = await adminPage();
    await page.getByTestId('tab-policy').click();
    const view = page.getByTestId('view-policy');
    await expect.poll(text(view.getByTestId('policy-count')), until).toMatch(/^共 \d+ 个词条$/);
    const terms = await rowTerms(page);
    const removed = terms[0]!;

    // Away and back: the page reads the policy again, slowly; meanwhile the admin removes a term.
    const held = holdBack();
    await page.route('**/admin/api/policy', (route) => (route.request().method() === 'GET' ? held.handler(route) : route.continue()));
    await page.getByTestId('tab-audit').click();
    await page.getByTestId('tab-policy').click();
    await held.seen;
    await view.getByRole('button', { name: `删除词条“${removed}”` }).click();
    await expect.poll(() => rowTerms(page), until).not.toContain(removed);
    expect(await view.getByTestId('policy-dirty').isVisible()).toBe(true);

    const answered = page.waitForResponse((response) => response.url().endsWith('/admin/api/policy') && response.request().method() === 'GET');
    held.release();
    await (await answered).finished();
    await page.waitForTimeout(500);
    expect(await rowTerms(page)).not.toContain(removed);
    expect(await view.getByTestId('policy-dirty').isVisible()).toBe(true);
    expect(await view.getByTestId('policy-count').textContent()).toBe(`共 ${terms.length - 1} 个词条`);
  });

  describe('conversations and reports', () => {
    /** Two ended conversations with messages, each reported by its first person. */
    const rooms: { id: number; user1: string; user2: string; reportId: number }[] = [];

    beforeAll(async () => {
      const { repository, moderation } = suite.server.app;
      const at = Date.now() - 3_600_000;
      for (const [user1, user2] of [
        ['raceroomaa01', 'raceroomaa02'],
        ['raceroombb01', 'raceroombb02'],
      ] as const) {
        const room = await repository.createRoom({ user1Id: user1, user2Id: user2, matchType: 'random', createdAt: new Date(at) });
        const stored = await repository.appendMessages(
          ['你好', '再见'].map((content, i) => ({ roomId: room.id, senderId: i === 0 ? user1 : user2, content, createdAt: new Date(at + (i + 1) * 1_000) })),
        );
        await repository.endRoom(room.id, 'left', new Date());
        const messageIds = stored.flatMap((s) => ('message' in s ? [s.message.id] : []));
        const report = await moderation.report(user1, { reason: 'spam', room_id: room.id, message_ids: messageIds.slice(1) });
        rooms.push({ id: room.id, user1, user2, reportId: report.id });
      }
    });

    const go = (page: Page, hash: string) => page.evaluate((h) => (window.location.hash = h), hash);

    it('a conversation whose answer comes after another conversation was opened is not shown over it', { timeout: 60_000 }, async () => {
      const [first, second] = [rooms[0]!, rooms[1]!];
      const page = await adminPage('en');
      const held = holdBack();
      await page.route(`**/admin/api/rooms/${first.id}`, held.handler);

      await go(page, `#room/${first.id}`);
      await held.seen;
      await go(page, `#room/${second.id}`);
      const view = page.getByTestId('view-room');
      await expect.poll(text(view.getByTestId('sanction-user1')), until).toBe(`Sanction ${second.user1}`);

      const late = page.waitForResponse((response) => response.url().endsWith(`/admin/api/rooms/${first.id}`));
      held.release();
      await (await late).finished();
      await page.waitForTimeout(500);
      expect(await page.evaluate(() => window.location.hash)).toBe(`#room/${second.id}`);
      expect(await view.getByTestId('room-title').textContent()).toBe(`Conversation #${second.id}`);
      expect(await view.getByTestId('room-meta').textContent()).toContain(second.user2);
      expect(await view.getByTestId('room-meta').textContent()).not.toContain(first.user1);
      expect(await view.getByTestId('sanction-user1').textContent()).toBe(`Sanction ${second.user1}`);
      expect(await view.getByTestId('sanction-user2').textContent()).toBe(`Sanction ${second.user2}`);
      // The erase button is the shown conversation's.
      await view.getByTestId('erase-room').click();
      await visible(page.getByTestId('erase-dialog'));
      expect(await page.getByTestId('erase-dialog').textContent()).toContain(`#${second.id}`);
      expect(await page.getByTestId('erase-dialog').textContent()).not.toContain(`#${first.id}`);
    });

    it('a report whose answer comes after another report was opened is not shown over it', { timeout: 60_000 }, async () => {
      const [first, second] = [rooms[0]!, rooms[1]!];
      const page = await adminPage('en');
      const held = holdBack();
      await page.route(`**/admin/api/reports/${first.reportId}`, held.handler);

      await go(page, `#report/${first.reportId}`);
      await held.seen;
      await go(page, `#report/${second.reportId}`);
      const view = page.getByTestId('view-report');
      await expect.poll(text(view.getByTestId('report-reported')), until).toBe(second.user2);

      const late = page.waitForResponse((response) => response.url().endsWith(`/admin/api/reports/${first.reportId}`));
      held.release();
      await (await late).finished();
      await page.waitForTimeout(500);
      expect(await view.getByTestId('report-title').textContent()).toBe(`Report #${second.reportId}`);
      expect(await view.getByTestId('report-reported').textContent()).toBe(second.user2);
      expect(await view.getByTestId('report-room-link').getAttribute('href')).toBe(`#room/${second.id}`);
    });

    it('a decision answered after the admin opened another report does not bring the decided one back', { timeout: 60_000 }, async () => {
      const [first, second] = [rooms[0]!, rooms[1]!];
      const page = await adminPage('en');
      const view = page.getByTestId('view-report');
      await go(page, `#report/${first.reportId}`);
      await expect.poll(text(view.getByTestId('report-reported')), until).toBe(first.user2);

      const held = holdBack();
      await page.route(`**/admin/api/reports/${first.reportId}/resolve`, held.handler);
      const reads: string[] = [];
      page.on('request', (request) => {
        if (request.method() === 'GET' && request.url().endsWith(`/admin/api/reports/${first.reportId}`)) reads.push(request.url());
      });
      await view.getByTestId('action-dismiss').check();
      await view.getByTestId('decision-submit').click();
      await held.seen;
      await go(page, `#report/${second.reportId}`);
      await expect.poll(text(view.getByTestId('report-reported')), until).toBe(second.user2);

      held.release();
      await expect.poll(text(page.getByTestId('toast')), until).toBe('Decision sent: Dismiss');
      await page.waitForTimeout(500);
      expect(reads).toEqual([]);
      expect(await view.getByTestId('report-title').textContent()).toBe(`Report #${second.reportId}`);
      expect(await view.getByTestId('report-reported').textContent()).toBe(second.user2);
      expect(await view.getByTestId('decision-form').isVisible()).toBe(true);
      expect(await view.getByTestId('decision-error').isHidden()).toBe(true);

      // Back on the decided report, it shows the decision.
      await go(page, `#report/${first.reportId}`);
      await expect.poll(text(view.getByTestId('report-title')), until).toBe(`Report #${first.reportId}`);
      await expect.poll(text(view.getByTestId('report-resolution')), until).toBe('Dismissed');
      expect(await view.getByTestId('decision-form').isHidden()).toBe(true);
    });
  });
});
