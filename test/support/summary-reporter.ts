import type { Reporter, TestModule } from 'vitest/node';

/** The first line of a failure's message, short enough for a log line. */
function firstLine(message: string | undefined): string {
  const line = (message ?? '').split('\n', 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

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
          named.push(`${module.moduleId} > ${test.fullName} — ${firstLine(result.errors?.[0]?.message)}`);
        } else skipped += 1;
      }
      // A file that failed to load, or whose hook failed (beforeAll, afterAll), fails even when each of
      // its tests passed: it counts as one failure more.
      if (module.state() === 'failed' && failedHere === 0) {
        failedHere = 1;
        named.push(`${module.moduleId} — ${firstLine(module.errors()[0]?.message)}`);
      }
      failed += failedHere;
    }
    failed += unhandledErrors.length;
    for (const error of unhandledErrors) {
      named.push(`unhandled error — ${firstLine(error instanceof Error ? error.message : String(error))}`);
    }
    const cwd = `${process.cwd()}/`;
    const lines = named.map((line) => `FAILED: ${line.split(cwd).join('')}\n`).join('');
    process.stdout.write(`\n${lines}${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
