/**
 * Keys of private rooms: what a person shares (`create_private`) or both people get (`contact_key`) to
 * meet again. A key is drawn, not derived: 16 characters of Crockford's base32 from the operating
 * system's random source — 80 bits, shown in groups of four (`ABCD-EFGH-JKMN-PQRS`). The alphabet has no
 * I, L, O or U, so nothing in it looks like anything else in it; input forgives case, spaces, dashes and
 * the look-alikes (I/L → 1, O → 0).
 *
 * Only a key's SHA-256 is stored (the database, Redis): a dump opens no room, and 80 bits are far beyond
 * an offline search of SHA-256. A plain hash rather than an HMAC under `SECRET_KEY`, so rotating that
 * secret leaves every key working (as with receipts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { canonicalCrockford, CROCKFORD_ALPHABET, groupForReading } from '../shared/crockford.js';

/** Characters of a key: 16 × 5 bits = 80 bits of entropy. */
export const PRIVATE_KEY_CHARS = 16;
/** Longest text accepted as a typed key (separators and spaces included). */
export const MAX_KEY_INPUT_CHARS = 64;

/** A new key, grouped for reading. */
export function newPrivateKey(): string {
  // 32 symbols: every byte's low five bits are uniform, so no symbol is likelier than another.
  const bytes = randomBytes(PRIVATE_KEY_CHARS);
  let key = '';
  for (const byte of bytes) key += CROCKFORD_ALPHABET[byte & 31];
  return groupForReading(key);
}

/** A key as typed or pasted, in canonical form (16 upper-case characters), or undefined when it cannot be one. */
export function canonicalKey(input: string): string | undefined {
  return canonicalCrockford(input, PRIVATE_KEY_CHARS, MAX_KEY_INPUT_CHARS);
}

/** SHA-256 (hex) of a key in canonical form: what is stored in place of the key. */
export function keyHash(canonical: string): string {
  return createHash('sha256').update(`private-room/v1\u0000${canonical}`).digest('hex');
}
