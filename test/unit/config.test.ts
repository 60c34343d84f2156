import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

describe('configuration', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 5000, host: '0.0.0.0', dataDir: './data', timezone: 'Asia/Shanghai', logLevel: 'info', databaseUrl: undefined, redisUrl: undefined, trustProxy: false });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads every variable', () => {
    const c = loadConfig({ PORT: '8080', HOST: '127.0.0.1', DATABASE_URL: 'postgres://u@h/db', DATA_DIR: '/tmp/x', REDIS_URL: 'redis://h:6379', SECRET_KEY: 'k'.repeat(32), ADMIN_PASSWORD: 'pw', CHAT_TIMEZONE: 'Europe/Berlin', LOG_LEVEL: 'warn', TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' });
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', databaseUrl: 'postgres://u@h/db', dataDir: '/tmp/x', redisUrl: 'redis://h:6379', timezone: 'Europe/Berlin', logLevel: 'warn', trustProxy: ['10.0.0.0/8', '127.0.0.1'] });
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({ port: 5000, databaseUrl: undefined });
  });

  it.each([
    [{ PORT: 'abc' }, /^Invalid PORT="abc": /],
    [{ PORT: '70000' }, /^Invalid PORT="70000"/],
    [{ DATABASE_URL: 'mysql://x' }, /^Invalid DATABASE_URL="mysql:\/\/x": must start with postgres:\/\//],
    [{ CHAT_TIMEZONE: 'Beijing' }, /^Invalid CHAT_TIMEZONE="Beijing": is not an IANA time zone/],
    [{ SECRET_KEY: 'short' }, /^Invalid SECRET_KEY="short": must be at least 16 characters/],
    [{ LOG_LEVEL: 'loud' }, /^Invalid LOG_LEVEL="loud"/],
  ])('refuses %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
