/**
 * The content policy in the back office: `GET /admin/api/policy` → `{terms: [{term, action}], links}`,
 * and `PUT` of the same shape to replace it — in force on every instance within moments, no restart.
 * Every replacement is audited (how many terms, the link rule; never the whole list).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { policyDocumentSchema } from '../policy/policy-document.js';
import type { AdminContext } from './context.js';
import { policyViewSchema } from './response-schemas.js';

export async function registerPolicyRoutes(instance: FastifyInstance, ctx: AdminContext): Promise<void> {
  const app = instance.withTypeProvider<ZodTypeProvider>();
  app.get('/api/policy', { schema: { response: { 200: policyViewSchema } } }, async () => ctx.policy.current());

  app.put('/api/policy', { schema: { body: policyDocumentSchema, response: { 200: policyViewSchema } } }, async (request) => {
    const document = request.body;
    const before = ctx.policy.current();
    await ctx.policy.replace(document);
    await ctx.audit.record({
      action: 'policy_update',
      clientAddress: request.ip,
      detail: { terms_before: before.terms.length, terms: document.terms.length, links_before: before.links, links: document.links },
    });
    return document;
  });
}
