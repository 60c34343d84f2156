/**
 * The admin device cookie: recognised under the password it was given with, for 90 days; forgotten when
 * the admin password changes; a malformed or forged one is no device (and never an error).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { DEVICE_COOKIE, DeviceCookies } from '../../src/admin/auth/device-cookie.js';
import { ManualClock } from '../helpers/clock.js';

const SECRET = 'a-secret-key-long-enough-for-tests';

/** The token a successful login would give (what `issue` sets). */
function issued(devices: DeviceCookies): string {
  let token = '';
  const reply = { setCookie: (name: string, value: string) => (name === DEVICE_COOKIE ? (token = value) : undefined) } as unknown as FastifyReply;
  devices.issue({ protocol: 'https' } as FastifyRequest, reply);
  return token;
}

const carrying = (token: string | undefined) => ({ cookies: token === undefined ? {} : { [DEVICE_COOKIE]: token } }) as unknown as FastifyRequest;

describe('the admin device cookie', () => {
  it('is recognised under the same password, by any instance, for 90 days', () => {
    const clock = new ManualClock();
    const token = issued(new DeviceCookies(SECRET, 'hash-of-password-1', clock));
    const elsewhere = new DeviceCookies(SECRET, 'hash-of-password-1', clock);
    const id = elsewhere.recognise(carrying(token));
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    clock.advance(89 * 86_400_000);
    expect(elsewhere.recognise(carrying(token))).toBe(id);
    clock.advance(2 * 86_400_000);
    expect(elsewhere.recognise(carrying(token))).toBeUndefined();
  });

  it('is forgotten once the admin password changes, and under another secret key', () => {
    const clock = new ManualClock();
    const token = issued(new DeviceCookies(SECRET, 'hash-of-password-1', clock));
    expect(new DeviceCookies(SECRET, 'hash-of-password-2', clock).recognise(carrying(token))).toBeUndefined();
    expect(new DeviceCookies(`${SECRET}-other`, 'hash-of-password-1', clock).recognise(carrying(token))).toBeUndefined();
  });

  it('a forged, malformed or missing cookie is no device, never an error', () => {
    const clock = new ManualClock();
    const devices = new DeviceCookies(SECRET, 'g', clock);
    const token = issued(devices);
    const [id, at, signature] = token.split('.') as [string, string, string];
    for (const bad of [undefined, '', 'x', `${id}.${at}`, `${id}.${Number(at) + 1}.${signature}`, `${'A'.repeat(22)}.${at}.${signature}`, `${token}x`, `${id}.${at}.${'é'.repeat(43)}`]) {
      expect(devices.recognise(carrying(bad)), String(bad)).toBeUndefined();
    }
  });
});
