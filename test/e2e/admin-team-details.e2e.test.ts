/**
 * What each member of the admin team sees, in a real Chromium against the real server:
 * - a lifted sanction says who lifted it and when ("已解除 · 小王 · …"), in the table and on the narrow cards
 *   (the value under its column's name), and in a report's history of the person: moderators and viewers
 *   cannot read the audit log;
 * - a viewer's content policy shows each term's action and the link rule as words: no menus, no Remove
 *   buttons (and no Remove column), where an owner has them;
 * - a report's decision note counts "n/500" as the server does (the trimmed text); a paste over 500 is kept
 *   whole, the counter red, the limit said in words and Submit off until it fits, also when the unsent note
 *   comes back after a reload; a note of 500 is accepted;
 * - both languages, light and dark, and axe (0 serious or critical) on the changed views.
 * Admins join by invitation through the server's own routes; their sessions are put into the browsers.
 * Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except under CI.
 */
import type { BrowserContextOptions, Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SanctionView } from '../../src/admin/safety-views.js';
import { ADMIN_PASSWORD, injectLogin, sessionCookie } from '../admin/helpers.js';
import { accept, invite, type Role } from '../admin/team-helpers.js';
import { expectNoSeriousViolations } from '../helpers/axe.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('admin team details browser tests');

const WAIT_MS = 10_000;
const { until, text, visible } = chatPageDriver(WAIT_MS);
const MODERATOR = '小王';
const VIEWER = 'viewer_zhao';
/** 3,000 characters, as a paste from elsewhere would bring. */
const PASTE = '这位用户多次在聊天中发送广告链接并索要联系方式。'.repeat(125);

describe.skipIf(skip)('what each admin sees, in a browser', () => {
  const suite = browserSuite({ config: { adminPassword: ADMIN_PASSWORD } });
  const sessions = {} as Record<Role, string>;
  let liftedId = 0;
  let reportId = 0;

  beforeAll(async () => {
    const { fastify } = suite.server.app;
    sessions.owner = await injectLogin(fastify);
    for (const [role, name] of [['moderator', MODERATOR], ['viewer', VIEWER]] as const) {
      const joined = await accept(fastify, (await invite(fastify, sessions.owner, role)).token, name);
      expect(joined.statusCode, joined.body).toBe(200);
      sessions[role] = sessionCookie(joined);
    }
    const { repository, moderation } = suite.server.app;
    liftedId = (await moderation.issue({ userId: 'tdreported01', networkHash: null, scope: 'identity', kind: 'banned', reason: '广告', createdBy: 'admin' })).id;
    const room = await repository.createRoom({ user1Id: 'tdreporter01', user2Id: 'tdreported01', matchType: 'random', createdAt: new Date(Date.now() - 60_000) });
    reportId = (await moderation.report('tdreporter01', { reason: 'spam', room_id: room.id })).id;
    const policy = await fastify.inject({
      method: 'PUT',
      url: '/admin/api/policy',
      headers: { cookie: sessions.owner, 'sec-fetch-site': 'same-origin' },
      payload: { links: 'flag', terms: [{ term: '加微信', action: 'block' }, { term: '兼职', action: 'flag' }] },
    });
    expect(policy.statusCode, policy.body).toBe(200);
  }, 60_000);

  /** The admin page as `role`, its session put into a browser of its own (bypassCSP: axe goes into the page). */
  async function pageAs(role: Role, hash: string, options: BrowserContextOptions = {}): Promise<Page> {
    const context = await suite.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true, ...options });
    const [name, value] = sessions[role].split('=') as [string, string];
    await context.addCookies([{ name, value, url: `${suite.url}/admin` }]);
    const page = await context.newPage();
    await page.goto(`${suite.url}/admin${hash}`);
    // Who is logged in is known: the page shows what the role allows.
    await expect.poll(() => page.evaluate(() => document.body.hasAttribute('data-can-moderate') || document.body.hasAttribute('data-cannot-manage')), until).toBe(true);
    return page;
  }

  /** Whether a cell's "2026-12-07 00:45:40" breaks at most at its space: two lines at most, the date whole on the first. */
  const unbroken = (cell: Locator) =>
    cell.evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
      return lines <= 2 && el.textContent!.length === 19;
    });

  it('a lifted sanction says who lifted it and when, in the table and on the cards, in both languages', { timeout: 60_000 }, async () => {
    const page = await pageAs('moderator', '#sanctions');
    const row = page.locator(`[data-testid="sanction-row"][data-sanction-id="${liftedId}"]`);
    await row.getByTestId('lift-btn').click();
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => row.count(), until).toBe(0);
    await page.getByTestId('sanctions-all').check();
    await visible(row);

    const listed = await page.context().request.get(`${suite.url}/admin/api/sanctions?all=1`);
    const sanction = (await listed.json()).sanctions.find((s: SanctionView) => s.id === liftedId) as SanctionView;
    expect(sanction.lifted_by).toBe(MODERATOR);
    // The page's way with times: the configured zone, as the server wrote it.
    const at = sanction.lifted_at!.slice(0, 19).replace('T', ' ');
    const state = row.getByTestId('sanction-state');
    expect(await state.textContent()).toBe(`已解除 · ${MODERATOR} · ${at}`);
    expect(await state.getAttribute('data-label')).toBe('状态');
    // Its date and its clock each on one line (an inline element broken over two has two boxes), and the
    // columns beside it not squeezed into breaking theirs.
    expect(await state.locator('.time-part').evaluateAll((parts) => parts.map((el) => el.getClientRects().length))).toEqual([1, 1]);
    expect(await unbroken(row.locator('td').nth(5))).toBe(true);
    await page.getByTestId('lang-switch').selectOption('en');
    await expect.poll(text(state), until).toBe(`Lifted · ${MODERATOR} · ${at}`);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expectNoSeriousViolations(page, `sanctions with a lifted one, en, ${scheme}`, { include: '[data-testid="view-sanctions"]' });
    }

    // A viewer's phone: the row is a card, the lift under the state's name.
    const phone = await pageAs('viewer', '#sanctions', { viewport: { width: 390, height: 844 } });
    await phone.getByTestId('sanctions-all').check();
    const card = phone.locator(`[data-testid="sanction-row"][data-sanction-id="${liftedId}"]`);
    await visible(card);
    const cardState = card.getByTestId('sanction-state');
    expect(await cardState.isVisible()).toBe(true);
    expect(await cardState.evaluate((el) => getComputedStyle(el, '::before').content)).toBe('"状态"');
    expect(await cardState.textContent()).toBe(`已解除 · ${MODERATOR} · ${at}`);
    expect(await cardState.locator('.time-part').evaluateAll((parts) => parts.map((el) => el.getClientRects().length))).toEqual([1, 1]);
    for (const scheme of ['light', 'dark'] as const) {
      await phone.emulateMedia({ colorScheme: scheme });
      await expectNoSeriousViolations(phone, `sanction cards with a lifted one, zh-CN, ${scheme}`, { include: '[data-testid="sanctions-table"]' });
    }

    // A report on the same person lists it in their history the same way.
    await phone.goto(`${suite.url}/admin#report/${reportId}`);
    const history = phone.getByTestId('person-reported').getByTestId('history-sanction');
    await expect.poll(() => history.allTextContents(), until).toEqual([expect.stringMatching(new RegExp(` · 已解除 · ${MODERATOR} · ${at}$`))]);
  });

  it('a viewer reads the content policy without menus or Remove buttons; an owner has them', { timeout: 60_000 }, async () => {
    const viewer = await pageAs('viewer', '#policy');
    const row = viewer.locator('[data-testid="policy-row"][data-term="加微信"]');
    await visible(row);
    await visible(viewer.getByTestId('policy-read-only'));
    expect(await row.getByTestId('policy-term-action-text').textContent()).toBe('拦截');
    expect(await row.getByTestId('policy-term-action').isHidden()).toBe(true);
    expect(await row.getByTestId('policy-remove').isHidden()).toBe(true);
    expect(await viewer.locator('[data-testid="policy-table"] th:visible').count()).toBe(2);
    expect(await viewer.getByTestId('policy-links').isHidden()).toBe(true);
    expect(await viewer.getByTestId('policy-links-text').textContent()).toBe('标记待审');
    // No control of the view is shown disabled: what the role cannot use is not there at all.
    expect(await viewer.locator('[data-testid="view-policy"] :is(button, select, input):disabled:visible').count()).toBe(0);
    await viewer.getByTestId('lang-switch').selectOption('en');
    await expect.poll(text(row.getByTestId('policy-term-action-text')), until).toBe('Block');
    expect(await viewer.getByTestId('policy-links-text').textContent()).toBe('Flag for review');
    for (const scheme of ['light', 'dark'] as const) {
      await viewer.emulateMedia({ colorScheme: scheme });
      await expectNoSeriousViolations(viewer, `content policy as a viewer, en, ${scheme}`, { include: '[data-testid="view-policy"]' });
    }

    const owner = await pageAs('owner', '#policy');
    const ownerRow = owner.locator('[data-testid="policy-row"][data-term="加微信"]');
    await visible(ownerRow.getByTestId('policy-term-action'));
    expect(await ownerRow.getByTestId('policy-term-action').isEnabled()).toBe(true);
    expect(await ownerRow.getByTestId('policy-remove').isVisible()).toBe(true);
    expect(await ownerRow.getByTestId('policy-term-action-text').isHidden()).toBe(true);
    expect(await owner.getByTestId('policy-links').isVisible()).toBe(true);
    expect(await owner.getByTestId('policy-links-text').isHidden()).toBe(true);
    expect(await owner.locator('[data-testid="policy-table"] th:visible').count()).toBe(3);
  });

  it('a decision note over 500 is kept whole and said, Submit off until it fits; 500 is sent', { timeout: 60_000 }, async () => {
    const page = await pageAs('moderator', `#report/${reportId}`);
    const note = page.getByTestId('decision-note');
    const count = page.getByTestId('decision-note-count');
    const tooLong = page.getByTestId('decision-note-too-long');
    const submit = page.getByTestId('decision-submit');
    await visible(note);
    expect(await count.textContent()).toBe('0/500');
    await page.getByTestId('action-dismiss').check();
    // Pasted (inserted at once, as a paste is): nothing is cut.
    await note.focus();
    await page.keyboard.insertText(PASTE);
    expect((await note.inputValue()).length).toBe(3_000);
    expect(await count.textContent()).toBe('3000/500');
    expect(await count.getAttribute('data-over')).toBe('true');
    expect(await note.getAttribute('aria-invalid')).toBe('true');
    await visible(tooLong);
    expect(await tooLong.textContent()).toBe('太长了：说明最多 500 字，删减后才能提交');
    expect(await submit.isDisabled()).toBe(true);
    // Enter in the form sends nothing either.
    await page.getByTestId('action-dismiss').press('Enter');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await expectNoSeriousViolations(page, `decision note too long, zh-CN, ${scheme}`, { include: '[data-testid="decision-form"]' });
    }
    await page.getByTestId('lang-switch').selectOption('en');
    await expect.poll(text(tooLong), until).toBe('Too long: a note holds 500 characters at most. Shorten it to submit');
    await expectNoSeriousViolations(page, 'decision note too long, en, dark', { include: '[data-testid="decision-form"]' });

    // The unsent note comes back after a reload as it was: whole, still over, still said.
    await page.reload();
    await expect.poll(() => note.inputValue(), until).toBe(PASTE);
    expect(await count.textContent()).toBe('3000/500');
    expect(await tooLong.textContent()).toBe('Too long: a note holds 500 characters at most. Shorten it to submit');
    expect(await submit.isDisabled()).toBe(true);
    expect((await page.context().request.get(`${suite.url}/admin/api/reports/${reportId}`).then((r) => r.json())).report.status).toBe('open');

    // Cut to 500 (and a line break after it, which the server trims as the counter does): it fits.
    const fits = PASTE.slice(0, 500);
    await note.fill(`${fits}\n`);
    expect(await count.textContent()).toBe('500/500');
    expect(await count.getAttribute('data-over')).toBe('false');
    expect(await note.getAttribute('aria-invalid')).toBe('false');
    expect(await tooLong.isHidden()).toBe(true);
    expect(await submit.isEnabled()).toBe(true);
    await page.getByTestId('action-dismiss').check();
    await submit.click();
    await expect.poll(async () => (await page.context().request.get(`${suite.url}/admin/api/reports/${reportId}`).then((r) => r.json())).report.resolution_note, until).toBe(fits);
  });
});
