/**
 * The content policy in the back office: `GET /admin/api/policy` → `{terms: [{term, action}], links}`,
 * and `PUT` of the same shape to replace it — in force on every instance within moments, no restart.
 * Every replacement is audited (how many terms, the link rule; never the whole list).
 */
import type { FastifyInstance } from 'fastify';
import { policyDocumentSchema } from '../policy/policy-document.js';
import { AppError, ErrorCode } from '../errors.js';
import type { AdminContext } from './context.js';
import { parseQuery } from './filters.js';

export async function registerPolicyRoutes(app: FastifyInstance, ctx: AdminContext): Promise<void> {
  app.get('/api/policy', async () => ctx.policy.current());

  app.put('/api/policy', async (request) => {
    const body = parseQuery(policyDocumentSchema, request.body, 'body');
    if (!body.ok) throw new AppError(ErrorCode.INVALID_PAYLOAD, { detail: body.message });
    const before = ctx.policy.current();
    await ctx.policy.replace(body.value);
    await ctx.audit.record({
      action: 'policy_update',
      clientAddress: request.ip,
      detail: { terms_before: before.terms.length, terms: body.value.terms.length, links_before: before.links, links: body.value.links },
    });
    return body.value;
  });
}
