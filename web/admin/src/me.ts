/**
 * Who is logged in (`GET /admin/api/me`), read when the admin page starts and again after any 403 and on the
 * way to #team, #audit or #account (another owner may have changed the role), and what the page shows
 * them. Controls an admin's role does not allow carry `data-needs="moderate"` or `data-needs="manage"`;
 * admin.css hides them unless the body says the permission is held (`data-can-moderate`,
 * `data-can-manage`). Until the answer comes they stay hidden; if it cannot be read (an older server) they
 * are shown, and the server's 403 is said when one is used. The server refuses them anyway. Notes for
 * those without a permission (`data-needs-not="manage"`) show only once that is known.
 */
import { getJson } from './api.js';

export type Permission = 'read' | 'moderate' | 'manage';
export type Role = 'owner' | 'moderator' | 'viewer';
export const ROLES = ['owner', 'moderator', 'viewer'] as const satisfies readonly Role[];

export interface Me {
  id: number;
  name: string;
  role: Role;
  permissions: Permission[];
  totp_enabled: boolean;
  /** Unused 2FA recovery codes; null while 2FA is off (or from an older server: undefined). */
  recovery_codes_left?: number | null;
  password_managed: 'environment' | 'account';
}

/** The permissions a page may show, as body attributes: `undefined` (unknown) shows everything. */
export function permissionAttributes(permissions: readonly Permission[] | undefined): Record<'data-can-moderate' | 'data-can-manage' | 'data-cannot-manage', boolean> {
  const manage = permissions === undefined || permissions.includes('manage');
  return {
    'data-can-moderate': permissions === undefined || permissions.includes('moderate'),
    'data-can-manage': manage,
    // What says "only an owner can change this" shows once it is known to be so.
    'data-cannot-manage': !manage,
  };
}

/** Shows and hides the controls of the page under `body` for these permissions. */
export function applyPermissions(body: HTMLElement, permissions: readonly Permission[] | undefined): void {
  for (const [name, held] of Object.entries(permissionAttributes(permissions))) body.toggleAttribute(name, held);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Reads who is logged in; a 401 goes back to the login form (api.ts). */
export function loadMe(): Promise<Me> {
  return getJson<Me>('/admin/api/me');
}
