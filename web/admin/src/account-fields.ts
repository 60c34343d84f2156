/**
 * Checks of what an admin types on the account and invitation pages, before it is sent (the server checks
 * again: these only say sooner, and in the page's language, what it would refuse). Lengths are counted in
 * characters (code points), as the server does.
 */
import { canonicalRecoveryCode } from '../../../src/shared/recovery-code.js';

/** `MIN_PASSWORD_CHARS`/`MAX_PASSWORD_CHARS` of the contract: 12–1024 characters. */
export const MIN_PASSWORD_CHARS = 12;
export const MAX_PASSWORD_CHARS = 1024;
/** A name: 1–32 letters (any script), digits, `_`, `.` or `-`. */
export const MAX_NAME_CHARS = 32;
const NAME_CHARS = /^[\p{L}\p{N}_.-]+$/u;

export type PasswordProblem = 'passwordTooShort' | 'passwordTooLong' | 'passwordMismatch';
export type NameProblem = 'inviteNameRequired' | 'inviteNameInvalid' | 'inviteNameReserved';
/** Names the server keeps for itself (any case): the bootstrap owner and the audit log's actors. */
export const RESERVED_NAMES = ['admin', 'automatic', 'system'] as const;

const chars = (text: string) => [...text].length;

/** What is wrong with a new password and its repetition, as the text key that says it; undefined when fine. */
export function passwordProblem(password: string, repeat: string): PasswordProblem | undefined {
  if (chars(password) < MIN_PASSWORD_CHARS) return 'passwordTooShort';
  if (chars(password) > MAX_PASSWORD_CHARS) return 'passwordTooLong';
  if (password !== repeat) return 'passwordMismatch';
  return undefined;
}

/** What is wrong with a new admin's name (already trimmed), as the text key that says it. */
export function nameProblem(name: string): NameProblem | undefined {
  if (name === '') return 'inviteNameRequired';
  if (chars(name) > MAX_NAME_CHARS || !NAME_CHARS.test(name)) return 'inviteNameInvalid';
  if ((RESERVED_NAMES as readonly string[]).includes(name.toLowerCase())) return 'inviteNameReserved';
  return undefined;
}

/** A TOTP code as typed (spaces between the groups of digits are common) → its six digits, or undefined. */
export function totpCode(typed: string): string | undefined {
  const digits = typed.replace(/\s+/g, '');
  return /^\d{6}$/.test(digits) ? digits : undefined;
}

/**
 * Where 2FA is on, a code field takes the app's code or a recovery code: what to send (the six digits, or
 * the recovery code as typed: the server forgives its form as this check does), or undefined.
 */
export function secondFactorCode(typed: string): string | undefined {
  return totpCode(typed) ?? (canonicalRecoveryCode(typed) === undefined ? undefined : typed.trim());
}

/** The invitation token of an invitation page's address: its fragment, without the `#`. */
export function tokenOfHash(hash: string): string | undefined {
  let token: string;
  try {
    token = decodeURIComponent(hash.replace(/^#/, '')).trim();
  } catch {
    // A malformed `%` escape: no token, said as such, rather than a page whose script stopped.
    return undefined;
  }
  return token === '' ? undefined : token;
}

/** The text key that says a refused team or account change, by the answer's error code (never its English `message`). */
export type ErrorTextKey =
  | 'forbidden'
  | 'errConflict'
  | 'teamNotFound'
  | 'inviteNameTaken'
  | 'teamLastOwner'
  | 'invalidTotp'
  | 'passwordCurrentWrong'
  | 'passwordConfirmNeeded'
  | 'tooManyAttempts'
  | 'errInvalidPayload'
  | 'totpRequired'
  | 'accountDisabled'
  | 'sessionExpired'
  | 'errFailed';

const ERROR_TEXTS: Record<string, ErrorTextKey> = {
  FORBIDDEN: 'forbidden',
  CONFLICT: 'errConflict',
  NOT_FOUND: 'teamNotFound',
  NAME_TAKEN: 'inviteNameTaken',
  LAST_OWNER: 'teamLastOwner',
  INVALID_TOTP: 'invalidTotp',
  CURRENT_PASSWORD_WRONG: 'passwordCurrentWrong',
  PASSWORD_CONFIRMATION_REQUIRED: 'passwordConfirmNeeded',
  INVALID_PASSWORD: 'passwordCurrentWrong',
  RATE_LIMITED: 'tooManyAttempts',
  INVALID_PAYLOAD: 'errInvalidPayload',
  TOTP_REQUIRED: 'totpRequired',
  ACCOUNT_DISABLED: 'accountDisabled',
  UNAUTHORIZED: 'sessionExpired',
};

/** The text key for an error code; an unknown code (or none) is a plain "failed, try again". */
export function errorTextKey(code: string | undefined): ErrorTextKey {
  return (code !== undefined && Object.hasOwn(ERROR_TEXTS, code) ? ERROR_TEXTS[code] : undefined) ?? 'errFailed';
}

/** A base32 TOTP secret in groups of four characters, for reading and typing by hand. */
export function groupedSecret(secret: string): string {
  return secret.replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ');
}
