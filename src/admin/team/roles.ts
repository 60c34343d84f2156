/**
 * Roles of the admin team and what each may do. A route declares the permission it needs
 * (`config: { permission }`); one it does not declare needs `manage`, so a route added without thinking
 * of roles is the owners' alone.
 * - `read`: the dashboard, conversations, reports, sanctions and the content policy, as they are.
 * - `moderate`: decide on reports, issue and lift sanctions.
 * - `manage`: change the content policy, erase conversations, export, read the audit log, run the team.
 */
import type { onRequestAsyncHookHandler } from 'fastify';
import { AppError, ErrorCode } from '../../errors.js';

export const ROLES = ['owner', 'moderator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = ['read', 'moderate', 'manage'] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<Role, readonly Permission[]> = {
  owner: ['read', 'moderate', 'manage'],
  moderator: ['read', 'moderate'],
  viewer: ['read'],
};

export function permissionsOf(role: Role): readonly Permission[] {
  return GRANTS[role];
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Who is making an admin request: set by the session check (auth/session-cookie.ts). */
export interface AdminIdentity {
  readonly id: number;
  readonly name: string;
  readonly role: Role;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What an admin's role must allow for this route (default `manage`). */
    permission?: Permission;
  }
  interface FastifyRequest {
    /** The admin logged in, on routes behind the session check. */
    admin?: AdminIdentity;
    /** That admin's session (its token's SHA-256). */
    adminSession?: string;
  }
}

/** Route configs: `{ config: READ, schema: … }`. */
export const READ = { permission: 'read' } as const satisfies { permission: Permission };
export const MODERATE = { permission: 'moderate' } as const satisfies { permission: Permission };

/** The permission a route needs: what it declares, else `manage`. */
export function permissionOfRoute(config: { permission?: Permission } | undefined): Permission {
  return config?.permission ?? 'manage';
}

/** A hook (after the session check) answering 403 `FORBIDDEN` when the admin's role does not allow the route. */
export const requirePermission: onRequestAsyncHookHandler = async (request) => {
  const needed = permissionOfRoute(request.routeOptions.config);
  const admin = request.admin;
  if (!admin) throw new AppError(ErrorCode.UNAUTHORIZED, { detail: 'Admin login required' });
  if (!permissionsOf(admin.role).includes(needed)) {
    throw new AppError(ErrorCode.FORBIDDEN, { detail: `Your role (${admin.role}) does not allow this: it needs the ${needed} permission` });
  }
};

/** The name of the admin making a request behind the session check (what decisions and sanctions record). */
export function adminName(request: { admin?: AdminIdentity | undefined }): string {
  if (!request.admin) throw new AppError(ErrorCode.UNAUTHORIZED, { detail: 'Admin login required' });
  return request.admin.name;
}
