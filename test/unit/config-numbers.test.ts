/**
 * What an operator's typing mistakes do to the configuration: spaces alone are unset (PORT=' ' was a random
 * free port); numbers are digits only ("0xF7A" was port 3962, "1e2" 100 days); a variable that is no setting
 * but looks like one misspelt (RETENTION_DAY: conversations kept forever) is found, to be warned about.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { lookalikeVariables } from '../../src/config/lookalikes.js';

describe('configuration typed by hand', () => {
  it('takes spaces alone as unset, as an empty value is', () => {
    expect(loadConfig({ PORT: '   ' }).port).toBe(loadConfig({}).port);
    expect(loadConfig({ RETENTION_DAYS: ' ' }).retention.retentionDays).toBeUndefined();
    expect(loadConfig({ RETENTION_DAYS: ' 30 ' }).retention.retentionDays).toBe(30);
  });

  it('reads numbers written in digits only, naming the variable otherwise', () => {
    expect(loadConfig({ PORT: ' 5001 ' }).port).toBe(5001);
    for (const [name, value] of [
      ['PORT', '0xF7A'],
      ['RETENTION_DAYS', '1e2'],
      ['RATE_MESSAGES_PER_S', '5.5'],
      ['RECONNECT_GRACE_MS', '-1'],
      ['MIN_AGE', 'eighteen'],
    ] as const) {
      expect(() => loadConfig({ [name]: value }), `${name}=${value}`).toThrow(new ConfigError(`Invalid ${name}="${value}": must be a whole number written in digits`));
    }
  });

  it('finds variables one or two letters off a setting, and leaves other programs’ variables alone', () => {
    const env = { RETENTION_DAY: '30', METRIC_TOKEN: 't', CHAT_TIME_ZONE: 'Europe/Berlin', retention_days: '3', HOME: '/root', HOSTNAME: 'h', PWD: '/', PATH: '/bin', NODE_ENV: 'production', LANG: 'C', USER: 'u', TERM: 'xterm', SHELL: '/bin/sh', TZ: 'UTC', PORT: '5000', TEST_DATABASE_URL: 'postgres://x' };
    expect(lookalikeVariables(env)).toEqual([
      { name: 'RETENTION_DAY', meant: 'RETENTION_DAYS' },
      { name: 'METRIC_TOKEN', meant: 'METRICS_TOKEN' },
      { name: 'CHAT_TIME_ZONE', meant: 'CHAT_TIMEZONE' },
      { name: 'retention_days', meant: 'RETENTION_DAYS' },
    ]);
  });
});
