/**
 * Two admins on the content policy page at once, in a real Chromium against the real server: the page
 * saves with the version it read (`If-Match`), so a save over a policy someone else saved meanwhile is
 * refused and said so in both languages — the other admin's term stays in force, the refused edits stay
 * on screen, unsaved — and after reloading the page saves again. While a save is on its way nothing can be
 * edited. Needs Debian's Chromium at /usr/bin/chromium: skipped with a visible line without it, except
 * under CI.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../admin/helpers.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { browserSuite, chatPageDriver } from '../helpers/chat-page.js';

const skip = skipWithoutChromium('admin content policy concurrency browser tests');

const WAIT_MS = 10_000;
const { until, text, visible } = chatPageDriver(WAIT_MS);
const CONFLICT_ZH = '没有保存：你打开之后，有人修改并保存了内容策略。你的更改仍在页面上但未保存；请记下它们，点“放弃更改”重新加载后再修改。';
const CONFLICT_EN =
  'Not saved: someone else changed the content policy after you loaded it. Your changes are still on this page but not saved; note them, then Discard changes to reload and make them again.';

interface Policy {
  terms: { term: string; action: string }[];
  links: string;
}

describe.skipIf(skip)('two admins editing the content policy', () => {
  const suite = browserSuite({ config: { adminPassword: ADMIN_PASSWORD } });

  /** Logged in, on the policy page, the policy loaded. */
  async function policyPage(): Promise<Page> {
    const page = await (await suite.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${suite.url}/admin`);
    await page.getByTestId('password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-btn').click();
    await visible(page.getByTestId('view-dashboard'));
    await page.getByTestId('tab-policy').click();
    await expect.poll(text(page.getByTestId('policy-count')), until).toMatch(/^共 \d+ 个词条$/);
    return page;
  }

  const rowTerms = (page: Page) => page.getByTestId('policy-row').getByTestId('policy-term').allTextContents();
  /** The policy in force, read by the test itself (with a page's session: logins are rate-limited). */
  const inForce = async (page: Page): Promise<Policy> => (await page.request.get(`${suite.url}/admin/api/policy`)).json() as Promise<Policy>;

  async function addTerm(page: Page, term: string): Promise<void> {
    await page.getByTestId('policy-new-term').fill(term);
    await page.getByTestId('policy-new-term').press('Enter');
    await expect.poll(async () => (await rowTerms(page))[0], until).toBe(term);
  }

  it('a save over a policy someone else saved meanwhile is refused with a reason; their term stays in force and the refused edits stay on screen', { timeout: 120_000 }, async () => {
    const a = await policyPage();
    const b = await policyPage();
    const before = await inForce(a);

    await addTerm(a, '榴莲糖');
    await a.getByTestId('policy-save').click();
    await expect.poll(text(a.getByTestId('toast')), until).toBe('内容策略已保存，所有实例立即生效');

    // B read the policy before A saved: B's save is refused, nothing of it replaces A's.
    await addTerm(b, '山竹干');
    await b.getByTestId('policy-links').selectOption('block');
    await b.getByTestId('policy-save').click();
    await expect.poll(text(b.getByTestId('policy-error')), until).toBe(CONFLICT_ZH);
    expect(await b.getByTestId('policy-dirty').isVisible()).toBe(true);
    expect((await rowTerms(b)).slice(0, 1)).toEqual(['山竹干']);
    expect(await b.getByTestId('policy-links').inputValue()).toBe('block');
    expect(await b.getByTestId('toast').isHidden()).toBe(true);
    const afterRefusal = await inForce(a);
    expect(afterRefusal.terms.map((entry) => entry.term)).toContain('榴莲糖');
    expect(afterRefusal.terms.map((entry) => entry.term)).not.toContain('山竹干');
    expect(afterRefusal.terms).toHaveLength(before.terms.length + 1);
    expect(afterRefusal.links).toBe(before.links);

    // In English too.
    await b.getByTestId('lang-switch').selectOption('en');
    await expect.poll(text(b.getByTestId('policy-error')), until).toBe(CONFLICT_EN);

    // Reloaded (Discard changes), B sees A's term and saves on top of it.
    await b.getByTestId('policy-revert').click();
    await visible(b.getByTestId('confirm-dialog'));
    await b.getByTestId('confirm-ok').click();
    await expect.poll(() => rowTerms(b), until).toContain('榴莲糖');
    expect(await b.getByTestId('policy-error').isHidden()).toBe(true);
    await addTerm(b, '山竹干');
    await b.getByTestId('policy-save').click();
    await expect.poll(text(b.getByTestId('toast')), until).toBe('Content policy saved: every instance applies it now');
    const both = (await inForce(a)).terms.map((entry) => entry.term);
    expect(both.slice(0, 2)).toEqual(['山竹干', '榴莲糖']);

    // And B's next save, on the version B just saved, goes through as well.
    await b.getByTestId('policy-links').selectOption('allow');
    await b.getByTestId('policy-save').click();
    await expect.poll(async () => (await inForce(a)).links, until).toBe('allow');
    expect(await b.getByTestId('policy-error').isHidden()).toBe(true);
  });

  it('while a save is on its way the term list, the add form and Save are disabled, and come back after', { timeout: 60_000 }, async () => {
    const page = await policyPage();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/admin/api/policy', async (route) => {
      if (route.request().method() === 'PUT') await held;
      await route.continue();
    });
    await addTerm(page, '莲雾片');
    await page.getByTestId('policy-save').click();
    const controls = [
      page.getByTestId('policy-save'),
      page.getByTestId('policy-revert'),
      page.getByTestId('policy-links'),
      page.getByTestId('policy-new-term'),
      page.getByTestId('policy-new-action'),
      page.getByTestId('policy-add'),
      page.getByTestId('policy-remove').first(),
      page.getByTestId('policy-term-action').first(),
    ];
    for (const control of controls) await expect.poll(() => control.isDisabled(), until).toBe(true);
    // A row drawn while waiting (the filter still works) is disabled as well.
    await page.getByTestId('policy-filter').fill('莲雾');
    await expect.poll(() => rowTerms(page), until).toEqual(['莲雾片']);
    expect(await page.getByTestId('policy-remove').first().isDisabled()).toBe(true);

    release();
    await expect.poll(text(page.getByTestId('toast')), until).toBe('内容策略已保存，所有实例立即生效');
    for (const control of controls) await expect.poll(() => control.isEnabled(), until).toBe(true);
    expect(await page.getByTestId('policy-dirty').isHidden()).toBe(true);
    expect((await inForce(page)).terms.map((entry) => entry.term)).toContain('莲雾片');
  });
});
