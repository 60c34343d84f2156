/**
 * The audit trail of the back office: logins (both outcomes), logouts, conversation views, searches of
 * conversations by message text or user, exports, report
 * views, decisions on reports and sanctions issued or lifted (by an admin or automatically), and
 * erasures (by a receipt holder or an admin: who and why), the team's changes (invitations, roles, 2FA,
 * passwords, the password typed again before them), with time, client address, the admin's name and the filters used. Passwords never reach it.
 */
import type { Clock } from '../clock.js';
import type { Database, Queryable } from '../storage/database.js';
import { formatIso } from '../shared/time.js';

export const AUDIT_ACTIONS = [
  'login_success',
  'login_failure',
  'logout',
  'view_room',
  'search_rooms',
  'export',
  'view_report',
  'report_resolve',
  'sanction_create',
  'sanction_lift',
  'sanction_automatic',
  'policy_update',
  'erase_own',
  'erase_room',
  'erase_user_rooms',
  'team_invite',
  'team_invite_revoke',
  'team_join',
  'team_update',
  'team_reset_totp',
  'totp_enable',
  'totp_disable',
  'totp_recovery_codes',
  'password_change',
  'password_confirm',
  'session_end',
  'admin_password_reset',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One recorded action. `detail` is free-form JSON (a room id, export format and filters); never secrets. */
export interface AuditEntry {
  action: AuditAction;
  clientAddress: string | undefined;
  /** The admin's name; none for automatic actions and receipt holders. */
  admin?: string | undefined;
  detail?: Record<string, unknown>;
}

/** Who made an admin request, as an entry records it: its client address and the admin logged in. */
export function actorOf(request: { ip: string; admin?: { name: string } | undefined }): Pick<AuditEntry, 'clientAddress' | 'admin'> {
  return { clientAddress: request.ip, admin: request.admin?.name };
}

/** An entry as the API shows it. */
export interface AuditView {
  id: number;
  time: string;
  action: AuditAction;
  client_address: string | null;
  /** The admin's name; null for automatic actions and receipt holders. */
  admin: string | null;
  detail: Record<string, unknown>;
}

interface AuditRow {
  id: number;
  created_at: Date;
  action: AuditAction;
  client_address: string | null;
  admin_name: string | null;
  detail: Record<string, unknown> | string;
}

export class AuditLog {
  /** @param keyOf turns a client address into what is stored: its network's HMAC (no address is ever kept). */
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly timezone: string,
    private readonly keyOf: (ip: string) => string,
  ) {}

  /** Adds an entry — through `db` when it must commit with what it records (a transaction of it). */
  async record(entry: AuditEntry, db: Queryable = this.database): Promise<void> {
    await db.query('INSERT INTO admin_audit_log (created_at, action, client_address, admin_name, detail) VALUES ($1, $2, $3, $4, $5::jsonb)', [
      this.clock.now(),
      entry.action,
      entry.clientAddress === undefined ? null : this.keyOf(entry.clientAddress),
      entry.admin ?? null,
      JSON.stringify(entry.detail ?? {}),
    ]);
  }

  /** Newest first, `limit` entries older than `beforeId` (keyset), plus whether more exist. */
  async list(options: { beforeId: number | undefined; limit: number }): Promise<{ entries: AuditView[]; hasMore: boolean }> {
    const rows = await this.database.query<AuditRow>(
      `SELECT id, created_at, action, client_address, admin_name, detail FROM admin_audit_log
       WHERE ($1::bigint IS NULL OR id < $1) ORDER BY id DESC LIMIT $2`,
      [options.beforeId ?? null, options.limit + 1],
    );
    const hasMore = rows.length > options.limit;
    return { entries: rows.slice(0, options.limit).map((row) => this.toView(row)), hasMore };
  }

  private toView(row: AuditRow): AuditView {
    return {
      id: row.id,
      time: formatIso(row.created_at, this.timezone),
      action: row.action,
      client_address: row.client_address,
      admin: row.admin_name,
      // pg parses jsonb; PGlite does too, but a string is handled in case a driver hands back text.
      detail: typeof row.detail === 'string' ? (JSON.parse(row.detail) as Record<string, unknown>) : row.detail,
    };
  }
}
