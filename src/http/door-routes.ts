/**
 * `GET /api/rules` (`?lang=en`): the current rules, their version and the minimum age, for the page's
 * gate (and for anyone who wants to read them first).
 */
import type { FastifyInstance } from 'fastify';
import type { RulesGate } from '../door/rules.js';
import { parseLang } from '../shared/codes.js';

export async function registerDoorRoutes(app: FastifyInstance, options: { rules: RulesGate }): Promise<void> {
  app.get('/api/rules', async (request, reply) => {
    const query = request.query as { lang?: unknown };
    const lang = parseLang(query.lang ?? request.headers['accept-language']?.split(',')[0]);
    void reply.header('cache-control', 'no-cache');
    return options.rules.view(lang);
  });
}
