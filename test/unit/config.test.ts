import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

describe('configuration', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 5000, host: '0.0.0.0', dataDir: './data', timezone: 'Asia/Shanghai', logLevel: 'info', databaseUrl: undefined, redisUrl: undefined, trustProxy: false });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads the basic variables into their fields', () => {
    const c = loadConfig({ PORT: '8080', HOST: '127.0.0.1', DATABASE_URL: 'postgres://u@h/db', DATA_DIR: '/tmp/x', REDIS_URL: 'redis://h:6379', SECRET_KEY: 'k'.repeat(32), ADMIN_PASSWORD: 'pw', CHAT_TIMEZONE: 'Europe/Berlin', LOG_LEVEL: 'warn', TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' });
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', databaseUrl: 'postgres://u@h/db', dataDir: '/tmp/x', redisUrl: 'redis://h:6379', timezone: 'Europe/Berlin', logLevel: 'warn', trustProxy: ['10.0.0.0/8', '127.0.0.1'] });
  });

  it('reads every variable of the schema: each one, set alone, changes the configuration', () => {
    const variables = schemaVariables();
    expect(variables.length).toBeGreaterThan(40);
    for (const name of variables) {
      const { value, with: companions = {} } = sampleOf(name);
      const changed = loadConfig({ ...companions, [name]: value });
      expect(changed, `${name}=${value} has no effect on the configuration`).not.toEqual(loadConfig(companions));
    }
    // And all of them at once make a valid configuration.
    const all = Object.fromEntries(variables.map((name) => [name, sampleOf(name).value]));
    expect(() => loadConfig(all)).not.toThrow();
  });

  it('refuses a duration no timer can wait (above 2^31 − 1 ms): it would fire after 1 ms instead', () => {
    for (const name of ['PURGE_INTERVAL_MS', 'PING_INTERVAL_MS', 'PING_TIMEOUT_MS', 'REPORT_WINDOW_MS']) {
      expect(() => loadConfig({ [name]: '2592000000' }), name).toThrow(ConfigError);
      expect(() => loadConfig({ [name]: '2147483647' }), name).not.toThrow();
    }
  });

  it('TRUST_PROXY=0 trusts no proxy (false), as unset; a hop count above 0 is kept', () => {
    expect(loadConfig({ TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
  });

  it('names a bad secret without its value, and a bad URL without its password', () => {
    const message = (env: Record<string, string>) => {
      try {
        loadConfig(env);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(message({ SECRET_KEY: 'hunter2-short' })).toMatch(/^Invalid SECRET_KEY=\(13 characters, not shown\): /);
    expect(message({ METRICS_TOKEN: 'tok-abc' })).not.toContain('tok-abc');
    for (const value of ['pgsql://chat:S3cretPassw0rd@db/chat', 'pgsql://chat:S3cret@Pass/w0rd@db/chat', 'jdbc:postgresql://chat:S3cret@db', ' host=db password=S3cret']) {
      const url = message({ DATABASE_URL: value });
      expect(url).toMatch(/^Invalid DATABASE_URL=("\w+:…"|\(\d+ characters, not shown\)): /);
      expect(url).not.toContain('S3cret');
    }
    expect(message({ DATABASE_URL: 'pgsql://chat:pw@db/chat' })).toContain('Invalid DATABASE_URL="pgsql:…"');
    expect(message({ PORT: 'eighty' })).toContain('Invalid PORT="eighty"');
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({ port: 5000, databaseUrl: undefined });
  });

  it('WRITE_LANES: 1 on PGlite, 2 on PostgreSQL by default; below PG_POOL_MAX', () => {
    expect(loadConfig({}).writeLanes).toBe(1);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).writeLanes).toBe(2);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db', WRITE_LANES: '4' }).writeLanes).toBe(4);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u@h/db', WRITE_LANES: '10' })).toThrow(/WRITE_LANES=10.*PG_POOL_MAX=10/);
    expect(() => loadConfig({ WRITE_LANES: '0' })).toThrow(ConfigError);
    // The default lanes as well: with PG_POOL_MAX at or below them, writes and the purge starve each other.
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u@h/db', PG_POOL_MAX: '1' })).toThrow(/PG_POOL_MAX=1/);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u@h/db', PG_POOL_MAX: '2' })).toThrow(/PG_POOL_MAX=2/);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db', PG_POOL_MAX: '3' }).pgPoolMax).toBe(3);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h/db', PG_POOL_MAX: '2', WRITE_LANES: '1' }).writeLanes).toBe(1);
  });

  it('INTEREST_WAIT_MS: 10 s by default, 0 to 5 minutes', () => {
    expect(loadConfig({}).interestWaitMs).toBe(10_000);
    expect(loadConfig({ INTEREST_WAIT_MS: '2000' }).interestWaitMs).toBe(2_000);
    expect(loadConfig({ INTEREST_WAIT_MS: '0' }).interestWaitMs).toBe(0);
  });

  it.each([
    [{ PORT: 'abc' }, /^Invalid PORT="abc": /],
    [{ INTEREST_WAIT_MS: '-1' }, /^Invalid INTEREST_WAIT_MS="-1"/],
    [{ INTEREST_WAIT_MS: '300001' }, /^Invalid INTEREST_WAIT_MS="300001"/],
    [{ INTEREST_WAIT_MS: '2.5' }, /^Invalid INTEREST_WAIT_MS="2.5"/],
    [{ PORT: '70000' }, /^Invalid PORT="70000"/],
    [{ DATABASE_URL: 'mysql://x' }, /^Invalid DATABASE_URL="mysql:…": must start with postgres:\/\//],
    [{ CHAT_TIMEZONE: 'Beijing' }, /^Invalid CHAT_TIMEZONE="Beijing": is not an IANA time zone/],
    [{ SECRET_KEY: 'short' }, /^Invalid SECRET_KEY=\(5 characters, not shown\): must be at least 16 characters/],
    [{ LOG_LEVEL: 'loud' }, /^Invalid LOG_LEVEL="loud"/],
    [{ REDIS_URL: 'redis://r', DATABASE_URL: 'postgres://u@h/db' }, /^Invalid REDIS_URL: cluster mode needs SECRET_KEY, the same on every instance/],
    [{ ADMIN_PASSWORD: 'p'.repeat(1_025) }, /^Invalid ADMIN_PASSWORD=\(1025 characters, not shown\): must be at most 1024 characters/],
    [
      { WEB_CONCURRENCY: '2', REDIS_URL: 'redis://r', DATABASE_URL: 'postgres://u@h/db', SECRET_KEY: 's'.repeat(32), METRICS_TOKEN: 't'.repeat(16) },
      /^Invalid METRICS_TOKEN with WEB_CONCURRENCY=2: on the main port a scrape sees one worker at random; set METRICS_PORT/,
    ],
  ])('refuses %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

/**
 * The variable names of `envSchema` in src/config/config.ts, read from its source (the schema is private
 * to that module): a variable added there is tried here without anyone listing it.
 */
function schemaVariables(): string[] {
  const source = readFileSync(new URL('../../src/config/config.ts', import.meta.url), 'utf8');
  const body = /const envSchema = z\.object\(\{\n([\s\S]*?)\n\}\);/.exec(source)?.[1];
  if (body === undefined) throw new Error('envSchema not found in src/config/config.ts');
  return [...body.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((match) => match[1]!);
}

const CLUSTER = { DATABASE_URL: 'postgres://u@h/db', REDIS_URL: 'redis://h:6379', SECRET_KEY: 's'.repeat(32) };

/**
 * A valid value other than the default for each variable (with the variables it needs). Counts and
 * durations not listed take 7, so a new numeric variable needs no entry here to be tried.
 */
const SAMPLES: Record<string, { value: string; with?: Record<string, string> }> = {
  PORT: { value: '8080' },
  HOST: { value: '127.0.0.1' },
  DATABASE_URL: { value: CLUSTER.DATABASE_URL },
  DATA_DIR: { value: '/tmp/x' },
  REDIS_URL: { value: CLUSTER.REDIS_URL, with: { DATABASE_URL: CLUSTER.DATABASE_URL, SECRET_KEY: CLUSTER.SECRET_KEY } },
  SECRET_KEY: { value: 'k'.repeat(32) },
  ADMIN_PASSWORD: { value: 'pw' },
  CHAT_TIMEZONE: { value: 'Europe/Berlin' },
  LOG_LEVEL: { value: 'warn' },
  DB_QUERY_TIMEOUT_MS: { value: '5000' },
  WRITE_LANES: { value: '3' },
  TRUST_PROXY: { value: '10.0.0.0/8' },
  WEB_DIR: { value: '/srv/web' },
  ALLOWED_ORIGINS: { value: 'https://chat.example' },
  CHAT_STORAGE: { value: 'memory' },
  WEB_CONCURRENCY: { value: '2', with: CLUSTER },
  REDIS_PREFIX: { value: 'other:' },
  REDIS_STREAM_RETENTION_MS: { value: '2000' },
  SHUTDOWN_TIMEOUT_MS: { value: '5000' },
  SCHEMA_CHECK_INTERVAL_MS: { value: '1000' },
  RECONNECT_GRACE_MS: { value: '30000' },
  CLOSE_GRACE_MS: { value: '1000' },
  PURGE_INTERVAL_MS: { value: '2000' },
  PRIVACY_FILE: { value: '/etc/chat/privacy.md' },
  METRICS_TOKEN: { value: 't'.repeat(16) },
  METRICS_PORT: { value: '9100' },
  METRICS_HOST: { value: '0.0.0.0' },
  RULES_GATE: { value: 'off' },
  MIN_AGE: { value: '16' },
  RULES_FILE: { value: '/etc/chat/rules.md' },
  CONTENT_POLICY: { value: 'off' },
  READ_BACKPRESSURE: { value: 'off' },
  CRISIS_HOTLINES_FILE: { value: '/etc/chat/hotlines.json' },
  PING_INTERVAL_MS: { value: '1000' },
  PING_TIMEOUT_MS: { value: '1000' },
  // Strikes escalate: warning ≤ mute ≤ ban, whose defaults are 1, 2, 3.
  STRIKES_FOR_WARNING: { value: '2' },
  STRIKES_FOR_MUTE: { value: '3' },
  CHALLENGE: { value: 'always' },
  CHALLENGE_SUSPECT_MS: { value: '2000' },
  CHALLENGE_VALID_MS: { value: '2000' },
  CHALLENGE_EXPIRY_MS: { value: '20000' },
};

function sampleOf(name: string): { value: string; with?: Record<string, string> } {
  return SAMPLES[name] ?? { value: '7' };
}
