/**
 * The content policy in the back office: `GET /admin/api/policy` → `{terms: [{term, action}], links}`,
 * and `PUT` of the same shape to replace it — in force on every instance within moments, no restart.
 * Both carry the policy's version as an `ETag`; a `PUT` with `If-Match` replaces only that version.
 * Every replacement is audited in its own transaction (how many terms, the link rule; never the whole list).
 * A replacement asks for the password typed in the last ten minutes (auth/recent-password.ts): one save can
 * turn every protection off.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { MAX_POLICY_TERMS, policyUpdateSchema } from '../policy/policy-document.js';
import { AppError, ErrorCode } from '../errors.js';
import { actorOf } from './audit-log.js';
import { RECENT_PASSWORD } from './auth/recent-password.js';
import type { AdminContext } from './context.js';
import { READ } from './team/roles.js';
import { policyViewSchema } from './response-schemas.js';
import { refusals } from './refusals.js';

/**
 * The largest policy a save may send: its most terms at their longest, each of the 64 characters written
 * as a JSON escape (`\uXXXX`), with room for the keys and spacing. Fastify's default, 1 MiB, refused a
 * policy far below `MAX_POLICY_TERMS` (about 20,000 short Chinese terms). Only a signed-in admin's body is
 * read at all (the session is checked on the request).
 */
const MAX_POLICY_BODY_BYTES = MAX_POLICY_TERMS * (64 * 6 + 64);

/** The policy's version as an entity tag: `"p<ms>"`, `"p0"` while none is stored. */
const etagOf = (version: number | null): string => `"p${version ?? 0}"`;

/**
 * The versions an `If-Match` names (a list; null for "none stored"), or "any" for `*`. A weak tag
 * (`W/"p…"`) counts as its version: a proxy that compresses the answer (nginx's gzip) turns our tag into
 * a weak one, and the page sends back what it got. A tag we could not have given names nothing.
 */
function versionsIn(ifMatch: string): (number | null)[] | 'any' {
  if (ifMatch.trim() === '*') return 'any';
  const versions: (number | null)[] = [];
  for (const tag of ifMatch.split(',')) {
    const match = /^(?:W\/)?"p(\d{1,16})"$/.exec(tag.trim());
    if (!match) continue;
    const version = Number(match[1]);
    versions.push(version === 0 ? null : version);
  }
  return versions;
}

export async function registerPolicyRoutes(instance: FastifyInstance, ctx: AdminContext): Promise<void> {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  app.get('/api/policy', { config: READ, schema: { response: { 200: policyViewSchema } } }, async (_request, reply) => {
    // Read together, from the database: the version names exactly the document sent, whichever instance answers.
    const { document, version } = await ctx.policy.stored();
    void reply.header('etag', etagOf(version));
    return document;
  });

  // `If-Match` with the version read: refused 409 when someone changed the policy since (the page sends it;
  // a script may leave it out and replace whatever is stored).
  app.put('/api/policy', { bodyLimit: MAX_POLICY_BODY_BYTES, config: RECENT_PASSWORD, schema: { body: policyUpdateSchema, response: { 200: policyViewSchema } } }, async (request, reply) => {
    const document = request.body;
    const before = ctx.policy.current();
    const ifMatch = request.headers['if-match'];
    const named = ifMatch === undefined ? 'any' : versionsIn(ifMatch);
    const stale = () => new AppError(ErrorCode.CONFLICT, { detail: refusals.policyStale() });
    if (named !== 'any' && named.length === 0) throw stale();
    // The database decides whether the version named is still the one stored (this instance's copy may lag).
    const inForce = ctx.policy.currentVersion;
    const ifVersion = named === 'any' ? undefined : named.includes(inForce) ? inForce : named[0]!;
    const version = await ctx.policy.replace(document, {
      ...(ifVersion === undefined ? {} : { ifVersion }),
      record: (tx) =>
        ctx.audit.record(
          {
            action: 'policy_update',
            ...actorOf(request),
            detail: { terms_before: before.terms.length, terms: document.terms.length, links_before: before.links, links: document.links },
          },
          tx,
        ),
    });
    if (version === undefined) throw stale();
    void reply.header('etag', etagOf(version));
    return document;
  });
}
