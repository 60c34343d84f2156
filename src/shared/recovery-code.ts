/**
 * The form of an admin's 2FA recovery code, shared by the server and the login and account pages: 12
 * symbols of Crockford's base32 (60 bits), shown as `ABCD-EFGH-JKMN`. Typed back, case, spaces, dashes
 * and the look-alikes do not matter (crockford.ts). Never six digits, so a code field tells an app's code
 * from a recovery code by its form.
 */
import { canonicalCrockford } from './crockford.js';

export const RECOVERY_CODE_SYMBOLS = 12;
/** Longest input read as a recovery code (spaces and dashes typed between the groups). */
export const RECOVERY_CODE_MAX_INPUT = 32;

/** What was typed as the recovery code it may be (canonical: 12 upper-case symbols), or undefined. */
export function canonicalRecoveryCode(typed: string): string | undefined {
  return canonicalCrockford(typed, RECOVERY_CODE_SYMBOLS, RECOVERY_CODE_MAX_INPUT);
}
