/**
 * Accessibility checks in browser tests with axe-core: its source is put into the page under test and
 * `axe.run` reports what breaks WCAG 2.x A/AA and Deque's best practices. The pages' CSP forbids inline
 * scripts, so the page's browser context must be made with `bypassCSP: true` (browserSuite's
 * `newContext({ bypassCSP: true })`). `expectNoSeriousViolations` fails with each serious or critical
 * violation named — rule, help text and the selectors of the elements — readable in CI output; the
 * moderate and minor ones are returned so a test can print them.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults, Result, RunOptions } from 'axe-core';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
let source: string | undefined;

/** axe-core's minified build, read once per test file. */
function axeSource(): string {
  source ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return source;
}

/** The rule sets checked: WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

export type Violation = Result;

/** What axe finds wrong with the page as it is now (only violations; incomplete results are left out). */
export async function axeViolations(page: Page, options: { include?: string } = {}): Promise<Violation[]> {
  const present = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === 'object');
  if (!present) await page.addScriptTag({ content: axeSource() });
  const runOptions: RunOptions = { resultTypes: ['violations'], runOnly: { type: 'tag', values: AXE_TAGS } };
  const results = await page.evaluate(
    async ({ include, runOptions }) => {
      const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<AxeResults> } }).axe;
      const found = await axe.run(include ?? document, runOptions);
      return found.violations;
    },
    { include: options.include, runOptions },
  );
  return results;
}

/** A violation as lines for a failure message: impact, rule, help text, then each element's selector. */
export function describeViolation(violation: Violation): string {
  const nodes = violation.nodes.map((node) => {
    const why = node.failureSummary?.split('\n').slice(1).map((line) => line.trim()).filter(Boolean).join('; ');
    return `    ${node.target.join(' ')}${why ? ` — ${why}` : ''}`;
  });
  return [`  [${violation.impact}] ${violation.id}: ${violation.help} (${violation.helpUrl})`, ...nodes].join('\n');
}

const SERIOUS = new Set(['serious', 'critical']);

/** Whether a violation fails a test: a serious or critical one. */
export function isSerious(violation: Violation): boolean {
  return SERIOUS.has(violation.impact ?? '');
}

/** The failure message for the serious violations found on `where`, each with its elements. */
export function seriousViolationsMessage(where: string, serious: readonly Violation[]): string {
  return `axe: ${serious.length} serious or critical violation(s) on ${where}:\n${serious.map(describeViolation).join('\n')}`;
}

/**
 * Runs axe on the page and throws when it finds a serious or critical violation, listing each one;
 * `where` names the screen in the message ("chat screen, en, dark"). Returns the milder findings.
 */
export async function expectNoSeriousViolations(page: Page, where: string, options: { include?: string } = {}): Promise<Violation[]> {
  const violations = await axeViolations(page, options);
  const serious = violations.filter(isSerious);
  if (serious.length > 0) throw new Error(seriousViolationsMessage(where, serious));
  return violations;
}
