/**
 * Settings an operator can get wrong in ways that passed the load and failed later — at `listen` without
 * naming the variable, when the first request was resolved, or never visibly: a host that is no host, a
 * proxy list the matcher throws on, an origin no browser sends, a metrics port that is the chat's own. Each
 * is refused at load, naming the variable and its value and saying what is accepted. Strikes out of order are
 * taken, with a warning at start (it is also how a sanction is turned off).
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, configWarnings, loadConfig } from '../../src/config/config.js';

/** The error line `env` is refused with. */
function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`accepted: ${JSON.stringify(env)}`);
}

const CLUSTER = { DATABASE_URL: 'postgres://u@h/db', REDIS_URL: 'redis://h:6379', SECRET_KEY: 's'.repeat(32) };

describe('HOST and METRICS_HOST', () => {
  it('take an IP address, localhost or a host name', () => {
    // Underscores (Docker Compose's container names), a final dot, numeric short forms the resolver reads.
    for (const host of ['0.0.0.0', '::', '127.0.0.1', '::1', 'fe80::1%eth0', 'localhost', 'chat', 'chat-1.internal.example', 'a'.repeat(63), 'project_web_1', 'chat.example.com.', '0', '127.1']) {
      expect(loadConfig({ HOST: host }).host, host).toBe(host);
      expect(loadConfig({ METRICS_HOST: host }).metrics.host, host).toBe(host);
    }
  });

  it('refuse anything else, naming the variable and its value, at load', () => {
    for (const name of ['HOST', 'METRICS_HOST']) {
      for (const host of ['not a host', 'http://chat.example', '0.0.0.0:5000', '[::1]', '.', 'chat..example.', '-chat', 'chat-', 'chat..example', 'a'.repeat(64), `${`${'a'.repeat(60)}.`.repeat(4)}${'a'.repeat(10)}`]) {
        expect(refusal({ [name]: host }), `${name}=${host}`).toMatch(new RegExp(`^Invalid ${name}=${escape(JSON.stringify(host))}: must be an IP address .*localhost, or a host name`));
      }
    }
  });
});

describe('TRUST_PROXY', () => {
  it('takes everything it took before: true, false, hop counts, addresses, ranges and named ranges', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1']);
    expect(loadConfig({ TRUST_PROXY: 'loopback,uniquelocal,linklocal' }).trustProxy).toEqual(['loopback', 'uniquelocal', 'linklocal']);
    expect(loadConfig({ TRUST_PROXY: '::1,fd00::/8,10.0.0.0/255.0.0.0' }).trustProxy).toEqual(['::1', 'fd00::/8', '10.0.0.0/255.0.0.0']);
  });

  it('refuses what the proxy matcher would throw on when the server starts, saying what is accepted', () => {
    expect(refusal({ TRUST_PROXY: 'yes' })).toMatch(/^Invalid TRUST_PROXY="yes": must be true, false, a hop count .*CIDR ranges/);
    expect(refusal({ TRUST_PROXY: 'TRUE' })).toMatch(/^Invalid TRUST_PROXY="TRUE": must be true, false/);
    expect(refusal({ TRUST_PROXY: '10.0.0.1, proxy.internal' })).toMatch(/^Invalid TRUST_PROXY="10.0.0.1, proxy.internal": "proxy.internal" is not an address or range; accepted: true, false/);
    expect(refusal({ TRUST_PROXY: '10.0.0.0/33' })).toMatch(/^Invalid TRUST_PROXY="10.0.0.0\/33": must be/);
  });
});

describe('ALLOWED_ORIGINS', () => {
  it('takes origins as a browser sends them, a trailing slash dropped', () => {
    expect(loadConfig({ ALLOWED_ORIGINS: 'https://chat.example, http://localhost:3000/, http://[::1]:8080' }).allowedOrigins).toEqual([
      'https://chat.example',
      'http://localhost:3000',
      'http://[::1]:8080',
    ]);
    // An app shell's own origin, as written.
    expect(loadConfig({ ALLOWED_ORIGINS: 'capacitor://localhost,tauri://localhost,chrome-extension://abcdefgh' }).allowedOrigins).toEqual([
      'capacitor://localhost',
      'tauri://localhost',
      'chrome-extension://abcdefgh',
    ]);
  });

  it('refuses an entry no browser Origin could ever match, naming it', () => {
    expect(refusal({ ALLOWED_ORIGINS: 'https://ok.example,example.com' })).toMatch(/^Invalid ALLOWED_ORIGINS="https:\/\/ok.example,example.com": "example.com" is not an origin: each entry is http:\/\/ or https:\/\//);
    expect(refusal({ ALLOWED_ORIGINS: 'localhost:3000' })).toMatch(/^Invalid ALLOWED_ORIGINS="localhost:3000": "localhost:3000" is not an origin/);
    // Any site's sandboxed frame sends Origin: null.
    expect(refusal({ ALLOWED_ORIGINS: 'https://ok.example,null' })).toMatch(/^Invalid ALLOWED_ORIGINS="https:\/\/ok.example,null": "null" is the origin of any site's sandboxed frame/);
    expect(refusal({ ALLOWED_ORIGINS: 'capacitor://localhost/app' })).toMatch(/"capacitor:\/\/localhost\/app" is not an origin/);
    expect(refusal({ ALLOWED_ORIGINS: 'Capacitor://Localhost' })).toMatch(/"Capacitor:\/\/Localhost" is not an origin/);
    expect(refusal({ ALLOWED_ORIGINS: 'https://*.example.com' })).toMatch(/"https:\/\/\*.example.com" is not an origin/);
    expect(refusal({ ALLOWED_ORIGINS: 'https://chat.example/app' })).toMatch(/^Invalid ALLOWED_ORIGINS="https:\/\/chat.example\/app": "https:\/\/chat.example\/app" is not an origin as a browser sends it: write "https:\/\/chat.example"/);
    expect(refusal({ ALLOWED_ORIGINS: 'https://Chat.Example:443' })).toMatch(/write "https:\/\/chat.example"/);
  });
});

describe('strike thresholds', () => {
  it('take warning ≤ mute ≤ ban, equal counts skipping the lighter sanction, without a warning', () => {
    const spaced = loadConfig({ STRIKES_FOR_WARNING: '2', STRIKES_FOR_MUTE: '4', STRIKES_FOR_BAN: '6' });
    expect(spaced.moderation.strikes).toMatchObject({ forWarning: 2, forMute: 4, forBan: 6 });
    expect(configWarnings(spaced)).toEqual([]);
    const equal = loadConfig({ STRIKES_FOR_WARNING: '2', STRIKES_FOR_MUTE: '2', STRIKES_FOR_BAN: '2' });
    expect(equal.moderation.strikes).toMatchObject({ forWarning: 2, forMute: 2, forBan: 2 });
    expect(configWarnings(equal)).toEqual([]);
    expect(configWarnings(loadConfig({}))).toEqual([]);
  });

  it('take an order that hides a sanction (the way to turn it off), with a warning at start naming both variables', () => {
    expect(configWarnings(loadConfig({ STRIKES_FOR_WARNING: '99' }))).toEqual([
      'STRIKES_FOR_WARNING=99 is above STRIKES_FOR_MUTE=2: no automatic warning is ever given (keep STRIKES_FOR_WARNING ≤ STRIKES_FOR_MUTE ≤ STRIKES_FOR_BAN unless that is what you mean)',
    ]);
    // The defaults count too: 1, 2, 3.
    expect(configWarnings(loadConfig({ STRIKES_FOR_BAN: '1' }))).toEqual([
      'STRIKES_FOR_MUTE=2 is above STRIKES_FOR_BAN=1: no automatic mute is ever given (keep STRIKES_FOR_WARNING ≤ STRIKES_FOR_MUTE ≤ STRIKES_FOR_BAN unless that is what you mean)',
    ]);
  });
});

describe('METRICS_PORT', () => {
  it('takes a port apart from PORT, for every worker', () => {
    expect(loadConfig({ PORT: '5000', METRICS_PORT: '9100' }).metrics.port).toBe(9100);
    expect(loadConfig({ PORT: '0', METRICS_PORT: '5000' }).metrics.port).toBe(5000);
    // One port number on two different addresses is two sockets.
    expect(loadConfig({ HOST: '10.0.0.5', PORT: '9100', METRICS_HOST: '127.0.0.1', METRICS_PORT: '9100' }).metrics.port).toBe(9100);
    // Workers 0 and 1 take 4998 and 4999: below PORT.
    expect(loadConfig({ ...CLUSTER, WEB_CONCURRENCY: '2', PORT: '5000', METRICS_PORT: '4998' }).metrics.port).toBe(4998);
    expect(loadConfig({ ...CLUSTER, WEB_CONCURRENCY: '2', PORT: '5000', METRICS_PORT: '5001' }).metrics.port).toBe(5001);
    expect(loadConfig({ ...CLUSTER, WEB_CONCURRENCY: '2', METRICS_PORT: '65534' }).metrics.port).toBe(65534);
  });

  it('refuses PORT itself, naming both', () => {
    expect(refusal({ PORT: '5000', METRICS_PORT: '5000' })).toMatch(/^Invalid METRICS_PORT=5000: the metrics would be served on PORT=5000, the chat's own port; choose METRICS_PORT above 5000 or at most 4999$/);
    expect(refusal({ METRICS_PORT: '5000' })).toMatch(/^Invalid METRICS_PORT=5000: .*on PORT=5000/);
    // Every interface, the same address, or a name (it may resolve to the other).
    expect(refusal({ HOST: '127.0.0.1', PORT: '9100', METRICS_HOST: '127.0.0.1', METRICS_PORT: '9100' })).toMatch(/^Invalid METRICS_PORT=9100/);
    expect(refusal({ HOST: '10.0.0.5', PORT: '9100', METRICS_HOST: 'localhost', METRICS_PORT: '9100' })).toMatch(/^Invalid METRICS_PORT=9100/);
    expect(refusal({ HOST: '::', PORT: '9100', METRICS_HOST: '127.0.0.1', METRICS_PORT: '9100' })).toMatch(/^Invalid METRICS_PORT=9100/);
  });

  it('refuses a METRICS_PORT + n of some worker n that is PORT, naming the worker', () => {
    expect(refusal({ ...CLUSTER, WEB_CONCURRENCY: '3', PORT: '5000', METRICS_PORT: '4998' })).toBe(
      "Invalid METRICS_PORT=4998 with WEB_CONCURRENCY=3: worker 2 would serve its metrics on PORT=5000, the chat's own port (worker n serves METRICS_PORT + n: 4998–5000); choose METRICS_PORT above 5000 or at most 4997",
    );
  });

  it('refuses a METRICS_PORT + n beyond the last port', () => {
    expect(refusal({ ...CLUSTER, WEB_CONCURRENCY: '2', METRICS_PORT: '65535' })).toMatch(/^Invalid METRICS_PORT=65535 with WEB_CONCURRENCY=2: worker 1 would serve its metrics on port 65536, above 65535 .*; keep METRICS_PORT at most 65534$/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
