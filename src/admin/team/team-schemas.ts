/** Request schemas of the admin team: names, passwords, roles, codes. */
import { z } from 'zod';
import { ADMIN_PASSWORD_MAX } from '../../shared/limits.js';
import { RECOVERY_CODE_MAX_INPUT } from '../../shared/recovery-code.js';
import { looksLikeRecoveryCode } from './recovery-codes.js';
import { looksAlike } from './name-skeleton.js';
import { ROLES } from './roles.js';

/** Shortest password an admin may choose (the bootstrap owner's is the operator's business). */
export const ADMIN_PASSWORD_MIN = 12;

/**
 * Names that mean something else where an admin's name is recorded: `automatic` is what automatic
 * sanctions are created by (and told to the person as such), `system` the content policy's reports.
 */
const RESERVED_NAMES = new Set(['admin', 'automatic', 'system']);

/** 1–32 letters (any script, Chinese too), digits, `_`, `.`, `-`; spaces around are dropped. */
export const accountNameSchema = z
  .string({ message: 'a name is required' })
  .trim()
  .min(1, 'a name is required')
  .max(32, 'at most 32 characters')
  .regex(/^[\p{L}\p{N}_.-]+$/u, 'letters, digits, "_", "." and "-" only')
  // As read, not as typed: `аdmin` (a Cyrillic а) is `admin` in the audit log.
  .refine((name) => ![...RESERVED_NAMES].some((reserved) => looksAlike(name, reserved)), 'this name is reserved');

export const newPasswordSchema = z
  .string({ message: 'a password is required' })
  .min(ADMIN_PASSWORD_MIN, `at least ${ADMIN_PASSWORD_MIN} characters`)
  .max(ADMIN_PASSWORD_MAX, `at most ${ADMIN_PASSWORD_MAX} characters`);

export const roleSchema = z.enum(ROLES, { message: `one of ${ROLES.join(', ')}` });

const totpCode = z.string().trim().regex(/^\d{6}$/, 'the 6-digit code from the app');
/** Where 2FA is on: the app's code or one of the recovery codes (a lost phone). */
const secondFactorCode = z
  .string()
  .trim()
  .max(RECOVERY_CODE_MAX_INPUT, 'the 6-digit code from the app, or a recovery code')
  .refine((code) => /^\d{6}$/.test(code) || looksLikeRecoveryCode(code), 'the 6-digit code from the app, or a recovery code');
const currentPassword = z.string({ message: 'your password is required' }).min(1, 'your password is required').max(ADMIN_PASSWORD_MAX);

/**
 * Turning 2FA on (its confirmation): a code of the app, and the admin's password again, so a session left
 * open in someone else's reach cannot take the account's 2FA over.
 */
export const totpChangeSchema = z.object({ code: totpCode, password: currentPassword });

/**
 * Turning 2FA off or making new recovery codes: the app's code or a recovery code, and the password again
 * (a session left open cannot remove the account's 2FA or take its codes).
 */
export const secondFactorChangeSchema = z.object({ code: secondFactorCode, password: currentPassword });

/** The password typed again before a change of the team (auth/recent-password.ts). */
export const passwordConfirmationSchema = z.object({ password: currentPassword });

export const accountIdParamsSchema = z.object({ id: z.coerce.number().int().positive() });

export const inviteBodySchema = z.object({ role: roleSchema });

export const accountChangeSchema = z
  .object({ role: roleSchema.optional(), disabled: z.boolean().optional() })
  .refine((change) => change.role !== undefined || change.disabled !== undefined, 'nothing to change: give role and/or disabled');

export const passwordChangeSchema = z.object({
  current: z.string().min(1, 'the current password is required').max(ADMIN_PASSWORD_MAX),
  password: newPasswordSchema,
});
