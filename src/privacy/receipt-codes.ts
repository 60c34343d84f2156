/**
 * Receipt codes: what a person gets at the end of each chat to download or erase their side of it later,
 * from any browser. A code is derived, not drawn: an HMAC of (room, identity) under a key derived from
 * `SECRET_KEY`, so
 * - the server can give the identity its recent chats' codes again (GET /api/my/chats) without keeping a
 *   single code: the database holds only each code's SHA-256 (a dump opens nothing, and without the key
 *   nobody can compute a code from a room and an identity);
 * - issuing twice (a retry, both ends racing) yields the same code and the same row;
 * - it is unguessable: 140 bits, 28 characters of Crockford's base32 (no I, L, O, U), shown in groups of
 *   four. Input forgives case, spaces, dashes and the look-alikes I/L → 1, O → 0.
 * Rotating `SECRET_KEY` leaves every code given out working (lookups go by hash); the listing then
 * derives new codes for old chats and stores their hashes beside the old ones.
 */
import { createHash, createHmac } from 'node:crypto';
import { canonicalCrockford, crockfordBase32, groupForReading } from '../shared/crockford.js';

/** 28 characters × 5 bits = 140 bits of the HMAC. */
export const RECEIPT_CODE_CHARS = 28;

export interface ReceiptCodes {
  /** The code of one side of a conversation, grouped for reading (`ABCD-EFGH-…`). */
  codeFor(roomId: number, userId: string): string;
  /** SHA-256 (hex) of a code in canonical form: what `receipts.code_hash` holds. */
  hashOf(code: string): string;
}

export function createReceiptCodes(secretKey: string): ReceiptCodes {
  // A key of its own, so a receipt code can never be confused with (or help forge) a cookie signature.
  const key = createHmac('sha256', secretKey).update('receipt-code/v1').digest();
  return {
    codeFor(roomId, userId) {
      const digest = createHmac('sha256', key).update(`${roomId}\u0000${userId}`).digest();
      return groupForReading(crockfordBase32(digest).slice(0, RECEIPT_CODE_CHARS));
    },
    hashOf(code) {
      return createHash('sha256').update(canonicalCode(code) ?? code).digest('hex');
    },
  };
}

/**
 * A code as typed or pasted, in canonical form (28 upper-case characters, no separators), or undefined
 * when it cannot be one.
 */
export function canonicalCode(input: string): string | undefined {
  return canonicalCrockford(input, RECEIPT_CODE_CHARS, 80);
}
