/**
 * A lifted sanction says who lifted it and when, in the list every role can read: moderators and viewers
 * cannot read the audit log, so the Sanctions page is where they learn it. The name is the admin account's
 * (as `created_by` is), the time in the configured zone as every other time of the admin API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SanctionView } from '../../src/admin/safety-views.js';
import { ENGINES } from './engines.js';
import { ManualClock, injectLogin, sessionCookie, startBareAdmin, type BareAdmin } from './helpers.js';
import { newUserId, seedConversation } from './safety-helpers.js';
import { accept, invite } from './team-helpers.js';

const MODERATOR = '小王';

describe.each(ENGINES)('a lifted sanction in the list (%s)', (engine) => {
  const clock = new ManualClock(Date.parse('2026-12-06T07:02:00Z'));
  let admin: BareAdmin;
  let moderator: string;
  let viewer: string;

  beforeAll(async () => {
    admin = await startBareAdmin({ engine, clock });
    const owner = await injectLogin(admin.fastify);
    const joined = async (role: 'moderator' | 'viewer', name: string) => {
      const response = await accept(admin.fastify, (await invite(admin.fastify, owner, role)).token, name);
      expect(response.statusCode, response.body).toBe(200);
      return sessionCookie(response);
    };
    moderator = await joined('moderator', MODERATOR);
    viewer = await joined('viewer', 'viewer_zhao');
  });
  afterAll(async () => admin?.close());

  const list = async (cookie: string) => {
    const response = await admin.fastify.inject({ url: '/admin/api/sanctions?all=1', headers: { cookie } });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ sanctions: SanctionView[] }>().sanctions;
  };

  it('names the moderator who lifted it and the time, for a viewer too; one in force has neither', async () => {
    const user = newUserId('lift');
    await seedConversation(admin, user, newUserId('part'), [[user, 'hi']]);
    const issue = (reason: string) =>
      admin.fastify.inject({ method: 'POST', url: '/admin/api/sanctions', headers: { cookie: moderator }, payload: { user_id: user, kind: 'banned', scope: 'identity', reason } });
    const lifted = (await issue('spam')).json<{ sanction: SanctionView }>().sanction;
    clock.advance(600_000);
    const done = await admin.fastify.inject({ method: 'DELETE', url: `/admin/api/sanctions/${lifted.id}`, headers: { cookie: moderator, 'sec-fetch-site': 'same-origin' } });
    expect(done.statusCode, done.body).toBe(200);
    const inForce = (await issue('again')).json<{ sanction: SanctionView }>().sanction;

    for (const cookie of [viewer, moderator]) {
      const rows = await list(cookie);
      expect(rows.find((s) => s.id === lifted.id)).toMatchObject({ active: false, created_by: MODERATOR, lifted_by: MODERATOR, lifted_at: '2026-12-06T15:12:00+08:00', ends_at: null });
      expect(rows.find((s) => s.id === inForce.id)).toMatchObject({ active: true, lifted_by: null, lifted_at: null });
    }
  });
});
