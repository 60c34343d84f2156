/**
 * External services for tests. A test that needs one runs when its URL is set; on a laptop without it,
 * it is skipped with a visible line; under CI (`CI=true`) a missing service is a failure, never a skip.
 */
export const isCI = process.env.CI === 'true';
export const testDatabaseUrl = process.env.TEST_DATABASE_URL;
export const testRedisUrl = process.env.TEST_REDIS_URL;

/** True when the service can be used. Logs why not, and throws under CI. */
export function requireService(name: string, available: boolean, hint: string): boolean {
  if (available) return true;
  const line = `${name} not available (${hint})`;
  if (isCI) throw new Error(`${line}: required under CI=true`);
  console.warn(`SKIPPED: ${line}; those tests are skipped`);
  return false;
}

export const hasRedis = requireServiceLazy('Redis', () => testRedisUrl !== undefined, 'set TEST_REDIS_URL');

export const hasPostgres = requireServiceLazy('PostgreSQL', () => testDatabaseUrl !== undefined, 'set TEST_DATABASE_URL');

function requireServiceLazy(name: string, check: () => boolean, hint: string): () => boolean {
  let result: boolean | undefined;
  return () => (result ??= requireService(name, check(), hint));
}
