/** The content policy in the back office: read, replace (validated, audited, in force at once), guarded. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, MAX_POLICY_TERMS } from '../../src/policy/policy-document.js';
import { injectLogin, startBareAdmin, type BareAdmin } from './helpers.js';

describe('admin content policy API', () => {
  let admin: BareAdmin;
  let cookie: string;
  beforeAll(async () => {
    admin = await startBareAdmin();
    cookie = await injectLogin(admin.fastify);
  }, 120_000);
  afterAll(async () => {
    await admin?.close();
  });

  const put = (payload: unknown, headers: Record<string, string> = {}) =>
    admin.fastify.inject({ method: 'PUT', url: '/admin/api/policy', payload: payload as object, headers: { cookie, ...headers } });

  it('needs a session', async () => {
    expect((await admin.fastify.inject({ url: '/admin/api/policy' })).statusCode).toBe(401);
    expect((await admin.fastify.inject({ method: 'PUT', url: '/admin/api/policy', payload: DEFAULT_POLICY })).statusCode).toBe(401);
  });

  it('needs the session before it reads a body: a large body without one is a 401, not parsed', async () => {
    const response = await admin.fastify.inject({ method: 'PUT', url: '/admin/api/policy', payload: `{"links":"flag","terms":[${'{"term":"x","action":"flag"},'.repeat(1_000_000)}]}`, headers: { 'content-type': 'application/json' } });
    expect(response.statusCode).toBe(401);
  });

  it('refuses a replacement another site asks for', async () => {
    expect((await put(DEFAULT_POLICY, { 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect((await put(DEFAULT_POLICY, { origin: 'https://evil.example' })).statusCode).toBe(403);
  });

  it('starts with the default list in Chinese and English', async () => {
    const response = await admin.fastify.inject({ url: '/admin/api/policy', headers: { cookie } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(DEFAULT_POLICY);
  });

  it.each([
    ['an unknown action', { links: 'flag', terms: [{ term: 'x', action: 'delete' }] }],
    ['an unknown link rule', { links: 'mask', terms: [] }],
    ['an empty term', { links: 'flag', terms: [{ term: '   ', action: 'block' }] }],
    ['a NUL in a term', { links: 'flag', terms: [{ term: 'a\u0000', action: 'block' }] }],
    ['a missing list', { links: 'flag' }],
    ['an extra field', { links: 'flag', terms: [], hotlines: [] }],
  ])('refuses %s with 400', async (_name, payload) => {
    const response = await put(payload);
    expect(response.statusCode).toBe(400);
    expect(admin.policy.current()).toEqual(DEFAULT_POLICY);
  });

  it.each([
    ['stars', '***'],
    ['dashes and spaces', '- - -'],
    ['an emoji', '😀'],
  ])('refuses a term that would match nothing (%s): 400 naming the term, the policy unchanged', async (_name, term) => {
    const response = await put({ links: 'flag', terms: [{ term: 'fine', action: 'block' }, { term, action: 'block' }] });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'INVALID_PAYLOAD', message: expect.stringMatching(/terms\.1\.term.*letter or a digit/) });
    expect(admin.policy.current()).toEqual(DEFAULT_POLICY);
  });

  it('replaces the policy: in force at once, stored, audited without the terms themselves', async () => {
    const next = { links: 'block' as const, terms: [{ term: '菠萝', action: 'block' as const }, { term: 'pineapple', action: 'mask' as const }] };
    const response = await put(next);
    expect(response.statusCode).toBe(200);
    expect(admin.policy.current()).toEqual(next);
    expect(admin.policy.evaluate('我爱菠 萝', { senderId: 'u', roomId: 1 }).action).toBe('block');
    expect(admin.policy.evaluate('see example.com', { senderId: 'u', roomId: 1 }).action).toBe('block');
    const stored = await admin.database.query<{ document: unknown }>('SELECT document FROM content_policy WHERE id = 1');
    expect(typeof stored[0]?.document === 'string' ? JSON.parse(stored[0].document) : stored[0]?.document).toEqual(next);
    const audit = await admin.database.query<{ detail: unknown }>("SELECT detail FROM admin_audit_log WHERE action = 'policy_update'");
    expect(audit.map((r) => (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail))).toEqual([{ terms_before: DEFAULT_POLICY.terms.length, terms: 2, links_before: 'flag', links: 'block' }]);
    expect(JSON.stringify(audit)).not.toContain('菠萝');
  });

  const get = () => admin.fastify.inject({ url: '/admin/api/policy', headers: { cookie } });
  const storedDocument = async () => {
    const rows = await admin.database.query<{ document: unknown }>('SELECT document FROM content_policy WHERE id = 1');
    const document = rows[0]?.document;
    return typeof document === 'string' ? JSON.parse(document) : document;
  };
  const policyAudits = async () => (await admin.database.query<{ n: number }>("SELECT count(*) AS n FROM admin_audit_log WHERE action = 'policy_update'"))[0]!.n;

  it('is read from the database: a save another instance made shows at once, with its version, before this one hears of it', async () => {
    const elsewhere = { links: 'allow', terms: [{ term: 'papaya', action: 'flag' }] };
    // What another instance's save leaves in the database; no bus event reaches this one.
    await admin.database.query('INSERT INTO content_policy (id, document, updated_at) VALUES (1, $1, $2) ON CONFLICT (id) DO UPDATE SET document = EXCLUDED.document, updated_at = EXCLUDED.updated_at', [JSON.stringify(elsewhere), new Date('2030-01-02T03:04:05Z')]);
    const read = await get();
    expect(read.json()).toEqual(elsewhere);
    expect(read.headers['etag']).toBe(`"p${Date.parse('2030-01-02T03:04:05Z')}"`);
    // Saved on that version, by the admin who was shown it: not refused as changed meanwhile.
    const saved = await put(DEFAULT_POLICY, { 'if-match': read.headers['etag'] as string });
    expect(saved.statusCode).toBe(200);
    expect(admin.policy.current()).toEqual(DEFAULT_POLICY);
  });

  it('replaces only the version an If-Match names: an editor on an older copy gets 409 and changes nothing', async () => {
    const first = await get();
    const etag = first.headers['etag'] as string;
    expect(etag).toMatch(/^"p\d+"$/);
    const mine = { links: 'flag' as const, terms: [{ term: 'mango', action: 'block' as const }] };
    const saved = await put(mine, { 'if-match': etag });
    expect(saved.statusCode).toBe(200);
    const next = saved.headers['etag'] as string;
    // The clock stands still in this test: the version moves all the same.
    expect(next).not.toBe(etag);
    expect((await get()).headers['etag']).toBe(next);
    const audits = await policyAudits();
    // Another admin still holds the copy from before that save.
    const theirs = { links: 'block' as const, terms: [] };
    const stale = await put(theirs, { 'if-match': etag });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ error: 'CONFLICT' });
    expect(admin.policy.current()).toEqual(mine);
    expect(await storedDocument()).toEqual(mine);
    expect(await policyAudits()).toBe(audits);
    expect((await put(theirs, { 'if-match': 'W/"whatever"' })).statusCode).toBe(409);
    // A proxy that compresses the answer (nginx's gzip) makes the tag weak: the page sends that back.
    const weakened = `W/${(await get()).headers['etag'] as string}`;
    const throughProxy = await put(mine, { 'if-match': weakened });
    expect(throughProxy.statusCode).toBe(200);
    expect((await put(mine, { 'if-match': weakened })).statusCode).toBe(409);
    // `*` and a list naming the current version are accepted too.
    expect((await put(mine, { 'if-match': '*' })).statusCode).toBe(200);
    expect((await put(mine, { 'if-match': `"p1", ${(await get()).headers['etag'] as string}` })).statusCode).toBe(200);
    // Without If-Match (a script), the replacement is unconditional, as before.
    expect((await put(mine)).statusCode).toBe(200);
  });

  it('changes nothing when its audit row cannot be written: recorded, or not made', async () => {
    const before = admin.policy.current();
    const storedBefore = await storedDocument();
    await admin.database.query("ALTER TABLE admin_audit_log ADD CONSTRAINT test_no_policy_audit CHECK (action <> 'policy_update') NOT VALID");
    try {
      const response = await put({ links: 'allow', terms: [{ term: 'kiwi', action: 'mask' }] });
      expect(response.statusCode).toBe(500);
    } finally {
      await admin.database.query('ALTER TABLE admin_audit_log DROP CONSTRAINT test_no_policy_audit');
    }
    expect(admin.policy.current()).toEqual(before);
    expect(await storedDocument()).toEqual(storedBefore);
  });

  it('takes a policy of the most terms it allows: far more than a megabyte', { timeout: 60_000 }, async () => {
    // 50,000 distinct Chinese terms of 8 characters: 2.7 MB of JSON. Before, anything over 1 MiB was a 413.
    const chars = [...'的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年'];
    const terms = Array.from({ length: MAX_POLICY_TERMS }, (_, i) => ({
      term: Array.from({ length: 8 }, (_, k) => chars[Math.floor(i / chars.length ** k) % chars.length]).join(''),
      action: 'flag' as const,
    }));
    const response = await put({ links: 'flag', terms });
    expect(JSON.stringify({ links: 'flag', terms }).length).toBeGreaterThan(1 << 20);
    expect(response.statusCode, response.body.slice(0, 200)).toBe(200);
    expect((await put(DEFAULT_POLICY)).statusCode).toBe(200);
  });
});
