/** Response schemas of the admin team's routes (what the page reads). */
import { z } from 'zod';
import { PERMISSIONS, ROLES } from './roles.js';

export const meSchema = z.object({
  id: z.number(),
  name: z.string(),
  role: z.enum(ROLES),
  permissions: z.array(z.enum(PERMISSIONS)),
  totp_enabled: z.boolean(),
  /** Unused 2FA recovery codes; null while 2FA is off. */
  recovery_codes_left: z.number().nullable(),
  /** `environment`: the bootstrap owner, whose password is ADMIN_PASSWORD (or the generated one). */
  password_managed: z.enum(['environment', 'account']),
});

export const totpSetupSchema = z.object({ secret: z.string(), uri: z.string() });

/** New recovery codes, shown once: 2FA turned on, or codes made anew. */
export const recoveryCodesSchema = z.object({ ok: z.literal(true), recovery_codes: z.array(z.string()) });

export const teamAccountSchema = z.object({
  id: z.number(),
  name: z.string(),
  role: z.enum(ROLES),
  totp_enabled: z.boolean(),
  /** Unused 2FA recovery codes; null while 2FA is off. An owner sees who is one lost phone from a 2FA reset. */
  recovery_codes_left: z.number().nullable(),
  disabled: z.boolean(),
  bootstrap: z.boolean(),
  created_at: z.string(),
  last_login_at: z.string().nullable(),
});

export const invitationViewSchema = z.object({
  id: z.number(),
  role: z.enum(ROLES),
  created_by: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
});

export const teamSchema = z.object({ admins: z.array(teamAccountSchema), invitations: z.array(invitationViewSchema) });

export const invitationCreatedSchema = z.object({
  id: z.number(),
  role: z.enum(ROLES),
  token: z.string(),
  path: z.string(),
  expires_at: z.string(),
});
