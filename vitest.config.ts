import { defineConfig } from 'vitest/config';
import SummaryReporter from './test/support/summary-reporter.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One migrated embedded database for the whole run, copied by each test that needs a fresh one.
    globalSetup: ['./test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration files start real servers and databases; a few at a time suits a 2-core machine.
    maxWorkers: 2,
    // The default reporter, then one plain `N passed, N failed, N skipped` line for log readers.
    reporters: ['default', new SummaryReporter()],
  },
});
