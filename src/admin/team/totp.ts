/**
 * Time-based one-time codes (RFC 6238: SHA-1, 6 digits, 30 s) — what every authenticator app speaks.
 * The `otpauth` package computes them (a maintained, dependency-free implementation; no reason to write
 * HMAC-based OTP by hand). A code is accepted one step either side of now (phone clocks drift), and only
 * once: the step it was for is remembered and a code of that step or an earlier one is refused.
 */
import * as OTPAuth from 'otpauth';

const ISSUER = 'Anonymous Chat admin';
const PERIOD_S = 30;
/** Steps either side of now a code may be for. */
const WINDOW = 1;

/** A new random secret (160 bits, base32) and the `otpauth://` address an app reads from a QR code. */
export function newTotpSecret(accountName: string): { secret: string; uri: string } {
  const secret = new OTPAuth.Secret({ size: 20 });
  const totp = new OTPAuth.TOTP({ issuer: ISSUER, label: accountName, secret, period: PERIOD_S });
  return { secret: secret.base32, uri: totp.toString() };
}

/**
 * The step (`floor(time / 30 s)`) `code` is valid for around `nowMs`, or undefined when it is not a code
 * of `secret` there. The caller refuses a step at or before the last one used.
 */
export function totpStep(secret: string, code: string, nowMs: number): number | undefined {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return undefined;
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), period: PERIOD_S });
  const delta = totp.validate({ token, timestamp: nowMs, window: WINDOW });
  return delta === null ? undefined : Math.floor(nowMs / 1000 / PERIOD_S) + delta;
}
