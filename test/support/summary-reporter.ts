import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints one plain, uncoloured closing line after the run — `N passed, N failed, N skipped`, alone on its line, —
 * so that tools reading a run's last lines (CI dashboards, log scrapers) can count it without parsing
 * Vitest's coloured summary.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      let failedHere = 0;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failedHere += 1;
        else skipped += 1;
      }
      // A file that failed to load, or whose hook failed (beforeAll, afterAll), fails even when each of
      // its tests passed: it counts as one failure more.
      if (module.state() === 'failed' && failedHere === 0) failedHere = 1;
      failed += failedHere;
    }
    failed += unhandledErrors.length;
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
