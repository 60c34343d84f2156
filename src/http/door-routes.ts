/**
 * What the start screen shows before anyone chats, in the asked language (`?lang=en`, else the browser's):
 * `GET /api/rules` — the current rules, their version and the minimum age, for the page's gate (and for
 * anyone who wants to read them first); `GET /api/privacy` — the privacy notice, with how long
 * conversations are kept.
 */
import type { FastifyInstance } from 'fastify';
import type { RulesGate } from '../door/rules.js';
import { privacyView, type NoticeText } from '../privacy/privacy-notice.js';
import { requestLang } from './request-lang.js';

export async function registerDoorRoutes(
  app: FastifyInstance,
  options: { rules: RulesGate; privacy: { text: NoticeText; retentionDays: number | undefined } },
): Promise<void> {
  app.get('/api/rules', async (request, reply) => {
    void reply.header('cache-control', 'no-cache');
    return options.rules.view(requestLang(request));
  });
  app.get('/api/privacy', async (request, reply) => {
    void reply.header('cache-control', 'no-cache');
    return privacyView(options.privacy.text, requestLang(request), options.privacy.retentionDays);
  });
}

