import type { Reporter, TestModule } from 'vitest/node';

/** The first line of a failure's message, short enough for a log line. */
function firstLine(message: string | undefined): string {
  const line = (message ?? '').split('\n', 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** What an error says: Vitest hands unhandled errors over as plain objects (no prototype), not as Errors. */
function messageOf(error: unknown): string {
  try {
    const message = (error as { message?: unknown } | null)?.message;
    return typeof message === 'string' ? message : (JSON.stringify(error) ?? '');
  } catch {
    return 'an error that cannot be shown';
  }
}

/** One log line of at most 400 characters (a test's name may hold a line break). */
const oneLine = (text: string) => {
  const line = text.replace(/\s+/g, ' ');
  return line.length > 400 ? `${line.slice(0, 400)}…` : line;
};

/**
 * Prints one plain, uncoloured closing line after the run — `N passed, N failed, N skipped`, alone on its line, —
 * so that tools reading a run's last lines (CI dashboards, log scrapers) can count it without parsing
 * Vitest's coloured summary. Just before it, one plain `FAILED: file > test — first line of the error` line
 * per failure, so that a log cut to its last lines still names what failed.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const named: string[] = [];
    for (const module of testModules) {
      let failedHere = 0;
      for (const test of module.children.allTests()) {
        const result = test.result();
        if (result.state === 'passed') passed += 1;
        else if (result.state === 'failed') {
          failedHere += 1;
          named.push(`${module.moduleId} > ${test.fullName} — ${firstLine(messageOf(result.errors?.[0]))}`);
        } else skipped += 1;
      }
      // A file that failed to load, or whose hook failed (beforeAll, afterAll), fails even when each of
      // its tests passed: it counts as one failure more.
      if (module.state() === 'failed' && failedHere === 0) {
        failedHere = 1;
        named.push(`${module.moduleId} — ${firstLine(messageOf(module.errors()[0]))}`);
      }
      failed += failedHere;
    }
    failed += unhandledErrors.length;
    for (const error of unhandledErrors) {
      named.push(`unhandled error — ${firstLine(messageOf(error))}`);
    }
    // The names are a help; the totals line must come whatever happens to them.
    let lines = '';
    try {
      const cwd = `${process.cwd()}/`;
      lines = named.map((line) => `FAILED: ${oneLine(line.split(cwd).join(''))}\n`).join('');
    } catch {
      lines = '';
    }
    process.stdout.write(`\n${lines}${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
