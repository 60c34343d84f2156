/**
 * Preloaded into a server process by test/integration/unhandled-rejection.test.ts: on SIGUSR2 a promise
 * rejects with nobody to handle it, as a forgotten `void task()` would.
 */
process.on('SIGUSR2', () => {
  void Promise.reject(new Error('nobody handles this rejection (test)'));
});
