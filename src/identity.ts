/**
 * Anonymous identities: random IDs carried in a signed value (cookie `uid`, or `auth.token` for
 * cookie-less clients). A client can present an ID only with our signature, so it can't choose or forge one.
 */
import { randomBytes } from 'node:crypto';
import { fastifyCookie } from '@fastify/cookie';
import { parse as parseCookieHeader } from 'cookie';

export const IDENTITY_COOKIE = 'uid';
/** Identity cookies live a year; they are renewed on every page load. */
export const IDENTITY_COOKIE_MAX_AGE_S = 365 * 24 * 3600;

/** Lower-case letters and digits without look-alikes (0/o, 1/l/i). */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
/** 12 characters of a 31-letter alphabet ≈ 59 bits: collisions stay negligible at millions of users. */
const ID_LENGTH = 12;
const ID_PATTERN = new RegExp(`^[${ALPHABET}]{${ID_LENGTH}}$`);

export function newUserId(): string {
  let id = '';
  while (id.length < ID_LENGTH) {
    for (const byte of randomBytes(16)) {
      // Rejection sampling (248 = 8 × 31) keeps every letter equally likely.
      if (byte < 248 && id.length < ID_LENGTH) id += ALPHABET[byte % ALPHABET.length];
    }
  }
  return id;
}

/**
 * A bearer token (for a client without cookies) lasts this long. Every connection gets a fresh one, so a
 * client in use keeps its identity; a token copied from a log or a screenshot stops working.
 */
export const TOKEN_TTL_MS = 7 * 24 * 3600 * 1000;
/** Tokens say what they are, so a cookie value is never a token and a token never a cookie value. */
const TOKEN_PATTERN = new RegExp(`^t1:([${ALPHABET}]{${ID_LENGTH}}):(\\d{1,13})$`);

export interface IdentitySigner {
  /** Signed form of an ID, for the identity cookie (HttpOnly: scripts never see it). */
  sign(userId: string): string;
  /** The ID inside a signed cookie value, or undefined when the value is missing, tampered or malformed. */
  verify(signed: string | undefined): string | undefined;
  /** A bearer token for a client without cookies, valid until `nowMs + TOKEN_TTL_MS`. */
  issueToken(userId: string, nowMs: number): string;
  /** The ID inside a token, or undefined when it is missing, tampered, malformed or expired. */
  verifyToken(token: string | undefined, nowMs: number): string | undefined;
  /** The raw signer, shared with @fastify/cookie so both sign the same way. */
  readonly cookieSigner: ReturnType<typeof fastifyCookie.signerFactory>;
}

export function createIdentitySigner(secretKey: string): IdentitySigner {
  const cookieSigner = fastifyCookie.signerFactory(secretKey, 'sha256');
  return {
    cookieSigner,
    sign: (userId) => cookieSigner.sign(userId),
    verify(signed) {
      if (!signed) return undefined;
      const result = cookieSigner.unsign(signed);
      return result.valid && result.value !== null && ID_PATTERN.test(result.value) ? result.value : undefined;
    },
    issueToken(userId, nowMs) {
      return cookieSigner.sign(`t1:${userId}:${nowMs + TOKEN_TTL_MS}`);
    },
    verifyToken(token, nowMs) {
      if (!token) return undefined;
      const result = cookieSigner.unsign(token);
      const parts = result.valid && result.value !== null ? TOKEN_PATTERN.exec(result.value) : null;
      return parts && Number(parts[2]) > nowMs ? parts[1] : undefined;
    },
  };
}

/** Reads the identity from a Cookie header. */
export function identityFromCookieHeader(signer: IdentitySigner, header: string | undefined): string | undefined {
  if (!header) return undefined;
  return signer.verify(parseCookieHeader(header)[IDENTITY_COOKIE]);
}
