/**
 * Fills a bench database with moderation data before the server starts: sanctions in force (one in ten
 * by network hash, so the server must hash each sender's network on every message, the costly path) and
 * blocks — for identities the bench's own users never have, as on a site with a long history.
 */
import { DEFAULT_POLICY } from '../src/policy/policy-document.js';
import type { DbTarget } from './database-target.js';

export interface ModerationLoad {
  sanctions: number;
  blocks: number;
}

/**
 * A content policy of `terms` terms (the default list plus made-up words no bench message contains), so
 * every message is scanned against all of them and passes.
 */
export async function preloadPolicy(target: DbTarget, terms: number): Promise<void> {
  const database = await target.open();
  if (!database) throw new Error(`--compare policy needs a database (not --db ${target.kind})`);
  try {
    await database.migrate();
    const extra = Array.from({ length: Math.max(0, terms - DEFAULT_POLICY.terms.length) }, (_, i) => ({
      term: `zq${i.toString(36)}v${((i * 7_919) % 1_000_003).toString(36)}`,
      action: (['flag', 'mask', 'block'] as const)[i % 3]!,
    }));
    const document = { ...DEFAULT_POLICY, terms: [...DEFAULT_POLICY.terms, ...extra] };
    await database.query('INSERT INTO content_policy (id, document, updated_at) VALUES (1, $1::jsonb, now())', [JSON.stringify(document)]);
  } finally {
    await database.close();
  }
}

export async function preloadModeration(target: DbTarget, load: ModerationLoad): Promise<void> {
  const database = await target.open();
  if (!database) throw new Error(`--compare moderation needs a database (not --db ${target.kind})`);
  try {
    await database.migrate();
    await database.query(
      `INSERT INTO sanctions (user_id, network_hash, kind, reason, starts_at, ends_at, created_by)
       SELECT CASE WHEN g % 10 = 0 THEN NULL ELSE 'bench' || lpad(g::text, 8, '0') END,
              CASE WHEN g % 10 = 0 THEN md5(g::text) || md5((g + 1)::text) ELSE NULL END,
              (ARRAY['banned', 'muted', 'warning'])[1 + g % 3], 'bench preload', now(), now() + interval '1 day', 'bench'
       FROM generate_series(1, $1::int) AS g`,
      [load.sanctions],
    );
    await database.query(
      `INSERT INTO blocks (blocker_id, blocked_id, created_at)
       SELECT 'bench' || lpad(g::text, 8, '0'), 'bench' || lpad((g * 7 % $1::int + 1)::text, 8, '0'), now()
       FROM generate_series(1, $1::int) AS g ON CONFLICT DO NOTHING`,
      [load.blocks],
    );
  } finally {
    await database.close();
  }
}
