/**
 * The `admin_device` cookie: this browser has logged in before. Given at each successful login, signed
 * (HMAC-SHA-256 under a key derived from `SECRET_KEY`), HttpOnly, SameSite=Strict, sent only to
 * `/admin/login`, for 90 days. It grants nothing by itself — the password is still checked and the
 * per-network limit still counts — it only lets the browser past the attempt budget of all networks
 * (login-guard.ts), for a few attempts per window of its own. So someone who spends that budget from many
 * addresses keeps out only browsers that never logged in, not the team (OWASP's "device cookies"). A new
 * admin password forgets every device (the key they are signed with is derived from it too).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../clock.js';

export const DEVICE_COOKIE = 'admin_device';
const DEVICE_MAX_AGE_MS = 90 * 86_400_000;

export class DeviceCookies {
  private readonly key: Buffer;

  /** `generation` names the admin password in force (PasswordVerifier): a new password forgets every device. */
  constructor(
    secretKey: string,
    generation: string,
    private readonly clock: Clock,
  ) {
    // A key of its own: a device token can never pass for a signed identity cookie, nor the other way round.
    this.key = createHmac('sha256', secretKey).update(`admin-device/v1\0${generation}`).digest();
  }

  /** A fresh token for this browser (after a successful login). */
  issue(request: FastifyRequest, reply: FastifyReply): void {
    const body = `${randomBytes(16).toString('base64url')}.${this.clock.now().getTime()}`;
    void reply.setCookie(DEVICE_COOKIE, `${body}.${this.sign(body)}`, this.options(request));
  }

  /**
   * The device's id when the request carries a token this server gave, under the password in force, within
   * the last 90 days; undefined otherwise.
   */
  recognise(request: FastifyRequest): string | undefined {
    const token = request.cookies[DEVICE_COOKIE];
    const match = token === undefined ? null : /^([A-Za-z0-9_-]{22})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return undefined;
    const [, id, issued, signature] = match as unknown as [string, string, string, string];
    const expected = Buffer.from(this.sign(`${id}.${issued}`));
    if (!timingSafeEqual(expected, Buffer.from(signature))) return undefined;
    const age = this.clock.now().getTime() - Number(issued);
    return age >= 0 && age < DEVICE_MAX_AGE_MS ? id : undefined;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }

  private options(request: FastifyRequest): CookieSerializeOptions {
    return { httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https', path: '/admin/login', maxAge: DEVICE_MAX_AGE_MS / 1000 };
  }
}
