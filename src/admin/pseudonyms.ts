/**
 * Pseudonyms for an export (`?pseudonymize=1`): every user ID becomes `p_` and 16 hex characters, the
 * HMAC of the ID under a key drawn for this export alone and never kept. Within one export the same
 * person always has the same pseudonym (conversations can still be followed); two exports share no
 * pseudonym, and none leads back to an ID — though the room and message ids, kept as they are, let two
 * exports of the same conversation be matched (and so their pseudonyms). Nothing is remembered
 * per person, so an export of millions of rooms costs no memory for it.
 */
import { createHmac, randomBytes } from 'node:crypto';

export type Pseudonymize = (userId: string) => string;

export function createPseudonyms(): Pseudonymize {
  const key = randomBytes(32);
  return (userId) => `p_${createHmac('sha256', key).update(userId).digest('hex').slice(0, 16)}`;
}

/** Leaves IDs as they are (an export without pseudonyms). */
export const keepIds: Pseudonymize = (userId) => userId;
