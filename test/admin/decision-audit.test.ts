/**
 * An admin's decisions and their audit rows commit together: when the audit row cannot be written, the
 * report stays open, no sanction is issued or lifted, and nobody is told of one.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ENGINES } from './engines.js';
import { ManualClock, injectLogin, startBareAdmin, type BareAdmin } from './helpers.js';
import { auditOf, fileReport, newUserId, seedConversation } from './safety-helpers.js';

describe.each(ENGINES)('decisions audited in their own transaction (%s)', (engine) => {
  const clock = new ManualClock(Date.parse('2026-01-03T08:00:00Z'));
  let admin: BareAdmin;
  let cookie: string;

  beforeAll(async () => {
    admin = await startBareAdmin({ engine, clock });
    cookie = await injectLogin(admin.fastify);
  });
  afterAll(async () => admin?.close());

  const send = (method: 'POST' | 'DELETE', url: string, payload?: unknown) =>
    admin.fastify.inject({ method, url, headers: { cookie, 'sec-fetch-site': 'same-origin' }, ...(payload ? { payload: payload as object } : {}) });
  const sanctionRows = async (userId: string) =>
    admin.database.query<{ id: number; lifted_at: Date | null }>('SELECT id, lifted_at FROM sanctions WHERE user_id = $1 ORDER BY id', [userId]);

  /** Runs `work` while the audit log refuses rows of `action` (a real failure of the audit insert). */
  async function whileAuditRefuses(action: string, work: () => Promise<void>): Promise<void> {
    await admin.database.query(`ALTER TABLE admin_audit_log ADD CONSTRAINT test_refuse_audit CHECK (action <> '${action}') NOT VALID`);
    try {
      await work();
    } finally {
      await admin.database.query('ALTER TABLE admin_audit_log DROP CONSTRAINT test_refuse_audit');
    }
  }

  it('a report decision whose audit row fails leaves the report open and issues nothing; decided again, both are stored', async () => {
    const [reporter, target] = [newUserId('adtr'), newUserId('adtt')];
    const room = await seedConversation(admin, reporter, target, [[target, '滚开']]);
    const id = await fileReport(admin, reporter, room.roomId, 'harassment');
    await whileAuditRefuses('report_resolve', async () => {
      expect((await send('POST', `/admin/api/reports/${id}/resolve`, { action: 'ban', scope: 'identity' })).statusCode).toBe(500);
    });
    expect((await admin.database.query<{ status: string }>('SELECT status FROM reports WHERE id = $1', [id]))[0]?.status).toBe('open');
    expect(await sanctionRows(target)).toEqual([]);
    expect(admin.moderation.sanctionOf(target, 'net')).toBeUndefined();
    const again = await send('POST', `/admin/api/reports/${id}/resolve`, { action: 'ban', scope: 'identity' });
    expect(again.statusCode).toBe(200);
    const [sanction] = await sanctionRows(target);
    expect((await auditOf(admin, 'report_resolve')).at(-1)?.detail).toMatchObject({ report_id: id, sanction_id: sanction!.id });
  });

  it('an offer of support whose audit row fails leaves the report open and shows nobody the help card', async () => {
    const offered: number[] = [];
    admin.moderation.support.onOffer((offer) => offered.push(offer.reportId));
    const [reporter, target] = [newUserId('adsr'), newUserId('adsp')];
    const room = await seedConversation(admin, reporter, target, [[target, '不想活了']]);
    const id = await fileReport(admin, reporter, room.roomId, 'self_harm');
    await whileAuditRefuses('report_resolve', async () => {
      expect((await send('POST', `/admin/api/reports/${id}/resolve`, { action: 'support' })).statusCode).toBe(500);
    });
    expect((await admin.database.query<{ status: string }>('SELECT status FROM reports WHERE id = $1', [id]))[0]?.status).toBe('open');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(offered).toEqual([]);
    expect((await send('POST', `/admin/api/reports/${id}/resolve`, { action: 'support' })).statusCode).toBe(200);
    await vi.waitFor(() => expect(offered).toEqual([id]));
    expect((await auditOf(admin, 'report_resolve')).at(-1)?.detail).toMatchObject({ report_id: id, action: 'support', sanction_id: null });
  });

  it('a sanction whose audit row fails is not issued; a lift whose audit row fails does not lift', async () => {
    const [other, target] = [newUserId('adso'), newUserId('adst')];
    await seedConversation(admin, other, target, [[target, 'hi']]);
    const issue = () => send('POST', '/admin/api/sanctions', { user_id: target, kind: 'muted', scope: 'identity', duration_s: 3600, reason: 'audit test' });
    await whileAuditRefuses('sanction_create', async () => {
      expect((await issue()).statusCode).toBe(500);
    });
    expect(await sanctionRows(target)).toEqual([]);
    expect(admin.moderation.sanctionOf(target, 'net')).toBeUndefined();

    const issued = await issue();
    expect(issued.statusCode).toBe(201);
    const id = issued.json().sanction.id as number;
    await whileAuditRefuses('sanction_lift', async () => {
      expect((await send('DELETE', `/admin/api/sanctions/${id}`)).statusCode).toBe(500);
    });
    expect((await sanctionRows(target))[0]?.lifted_at).toBeNull();
    expect(admin.moderation.sanctionOf(target, 'net')?.kind).toBe('muted');
    expect((await send('DELETE', `/admin/api/sanctions/${id}`)).statusCode).toBe(200);
    expect((await auditOf(admin, 'sanction_lift')).at(-1)?.detail).toMatchObject({ sanction_id: id, user_id: target });
  });
});
