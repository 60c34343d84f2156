/**
 * The content policy every instance enforces: read from the database at start (the default list the
 * first time), replaced by an admin (`PUT /admin/api/policy`), and reloaded on every instance within
 * moments of a change through the moderation bus — no restart. An instance that missed that event (its
 * Redis connection was down at the time) notices the change at its next check of the stored version,
 * every 30 s, as the sanctions are reloaded.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { ModerationBus } from '../moderation/moderation-bus.js';
import type { Database, Queryable } from '../storage/database.js';
import { ContentPolicy, type Verdict } from './content-policy.js';
import { DEFAULT_POLICY, policyDocumentSchema, type PolicyDocument } from './policy-document.js';

/** How often the stored policy's version is compared with the one in force, in case a bus event was missed. */
const DEFAULT_REFRESH_MS = 30_000;

export interface PolicyServiceDeps {
  database: Database;
  bus: ModerationBus;
  clock: Clock;
  logger: Logger;
  /** Off: every message is allowed as is (benchmarks of what the policy costs). */
  enabled: boolean;
  /** The same text into this many different chats within the window is copy-paste spam. */
  repeatRooms: number;
  repeatWindowMs: number;
  /** How often the stored version is checked (default 30 s). */
  refreshMs?: number;
}

export class PolicyService {
  private readonly policy: ContentPolicy;
  private document: PolicyDocument = DEFAULT_POLICY;
  /** `updated_at` of the stored policy in force (ms), null for none stored: the version compared. */
  private version: number | null = null;
  private cancelRefresh: (() => void) | undefined;
  /** Reads begun (each reload takes the next), and the latest read or local change applied. */
  private reads = 0;
  private appliedRead = 0;

  constructor(private readonly deps: PolicyServiceDeps) {
    this.policy = new ContentPolicy({ repeatRooms: deps.repeatRooms, repeatWindowMs: deps.repeatWindowMs, now: () => deps.clock.now().getTime() });
  }

  async start(): Promise<void> {
    await this.deps.bus.subscribe((event) => {
      if (event.type !== 'policy') return;
      this.reload().catch((err: unknown) => this.deps.logger.warn({ err }, 'reloading the content policy failed'));
    });
    await this.reload();
    this.scheduleRefresh();
  }

  stop(): void {
    this.cancelRefresh?.();
    this.cancelRefresh = undefined;
  }

  get enabled(): boolean {
    return this.deps.enabled;
  }

  /** The policy in force. */
  current(): PolicyDocument {
    return this.document;
  }

  /** Whether `content` has words of crisis (nothing else is evaluated or counted). */
  crisisIn(content: string): boolean {
    return this.deps.enabled && this.policy.crisisIn(content);
  }

  evaluate(content: string, context: { senderId: string; roomId: number }): Verdict {
    if (!this.deps.enabled) return { action: 'allow', content, flags: [], strike: false, crisis: false, pii: [] };
    return this.policy.evaluate(content, context);
  }

  /** The version of the policy in force: `updated_at` of the stored one (ms), null while none is stored. */
  get currentVersion(): number | null {
    return this.version;
  }

  /**
   * The stored policy and its version, read now: what an admin is shown. Not `current()`: behind a load
   * balancer the read after a save may reach an instance whose bus event has not come yet, and it showed the
   * policy before the save, with its version — the next save then refused as "changed meanwhile". A stored
   * policy this version cannot read is shown as the one in force (as `reload` keeps it).
   */
  async stored(): Promise<{ document: PolicyDocument; version: number | null }> {
    const rows = await this.deps.database.query<{ document: unknown; updated_at: Date | string }>('SELECT document, updated_at FROM content_policy WHERE id = 1');
    const row = rows[0];
    if (!row) return { document: DEFAULT_POLICY, version: null };
    const raw = typeof row.document === 'string' ? (JSON.parse(row.document) as unknown) : row.document;
    const parsed = policyDocumentSchema.safeParse(raw);
    const version = new Date(row.updated_at).getTime();
    return parsed.success ? { document: parsed.data, version } : { document: this.document, version };
  }

  /**
   * Replaces the policy (validated by the caller): stored, then in force on every instance. Returns the
   * new version. With `ifVersion`, only if the stored policy is still that version (null: none stored),
   * else undefined and nothing changes: an editor working on an older copy must not undo another's
   * change. `record` runs in the same transaction (the audit row: a change is recorded or not made).
   */
  async replace(document: PolicyDocument, options: { ifVersion?: number | null; record?: (tx: Queryable) => Promise<void> } = {}): Promise<number | undefined> {
    const now = this.deps.clock.now();
    const json = JSON.stringify(document);
    const { ifVersion, record } = options;
    const version = await this.deps.database.transaction(async (tx) => {
      // Each change a later version than the one before, even within one millisecond: the version tells them apart.
      const rows =
        ifVersion === undefined
          ? await tx.query<{ updated_at: Date | string }>(
              `INSERT INTO content_policy (id, document, updated_at) VALUES (1, $1::jsonb, $2)
               ON CONFLICT (id) DO UPDATE SET document = EXCLUDED.document,
                 updated_at = GREATEST(EXCLUDED.updated_at, content_policy.updated_at + interval '1 millisecond')
               RETURNING updated_at`,
              [json, now],
            )
          : ifVersion === null
            ? await tx.query<{ updated_at: Date | string }>(
                'INSERT INTO content_policy (id, document, updated_at) VALUES (1, $1::jsonb, $2) ON CONFLICT (id) DO NOTHING RETURNING updated_at',
                [json, now],
              )
            : await tx.query<{ updated_at: Date | string }>(
                `UPDATE content_policy SET document = $1::jsonb, updated_at = GREATEST($2::timestamptz, updated_at + interval '1 millisecond')
                 WHERE id = 1 AND updated_at = $3 RETURNING updated_at`,
                [json, now, new Date(ifVersion)],
              );
      if (!rows[0]) return undefined;
      await record?.(tx);
      return new Date(rows[0].updated_at).getTime();
    });
    if (version === undefined) return undefined;
    // Any read begun before now is older than this change.
    this.appliedRead = ++this.reads;
    this.apply(document, version);
    await this.deps.bus.publish({ type: 'policy' }).catch((err: unknown) => this.deps.logger.warn({ err }, 'policy change not published: other instances pick it up at their next check'));
    return version;
  }

  private async reload(): Promise<void> {
    const read = ++this.reads;
    const rows = await this.deps.database.query<{ document: unknown; updated_at: Date | string }>('SELECT document, updated_at FROM content_policy WHERE id = 1');
    const stored = rows[0]?.document;
    const raw = typeof stored === 'string' ? (JSON.parse(stored) as unknown) : stored;
    const parsed = raw === undefined ? undefined : policyDocumentSchema.safeParse(raw);
    const version = rows[0] ? new Date(rows[0].updated_at).getTime() : null;
    // Overtaken: a later read, or a change made here, was applied while this one read (its own event brings
    // a fresh reload). Not a comparison of versions, so a stored policy put back from a backup still loads.
    if (read < this.appliedRead) return;
    this.appliedRead = read;
    if (parsed && !parsed.success) {
      this.deps.logger.error('the stored content policy is invalid: keeping the one in force');
      this.version = version;
      return;
    }
    this.apply(parsed?.success ? parsed.data : DEFAULT_POLICY, version);
  }

  /** Reloads when the stored version differs from the one in force (one small read). */
  private async refresh(): Promise<void> {
    const rows = await this.deps.database.query<{ updated_at: Date | string }>('SELECT updated_at FROM content_policy WHERE id = 1');
    const version = rows[0] ? new Date(rows[0].updated_at).getTime() : null;
    if (version !== this.version) await this.reload();
  }

  private scheduleRefresh(): void {
    this.cancelRefresh = this.deps.clock.schedule(this.deps.refreshMs ?? DEFAULT_REFRESH_MS, () => {
      void this.refresh()
        .catch((err: unknown) => this.deps.logger.warn({ err }, 'checking the stored content policy failed'))
        .finally(() => {
          if (this.cancelRefresh) this.scheduleRefresh();
        });
    });
  }

  private apply(document: PolicyDocument, version: number | null): void {
    this.policy.load(document);
    this.document = document;
    this.version = version;
  }
}
