/**
 * The admin routes' declared schemas (fastify-type-provider-zod): bad params, queries and bodies are
 * refused with 400 INVALID_PAYLOAD naming the field, after the session check; answers are serialized
 * through the response schema, which drops undeclared fields and refuses an answer that does not fit.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PolicyDocument } from '../../src/policy/policy-document.js';
import { injectLogin, startBareAdmin, type BareAdmin } from './helpers.js';

describe('admin request and response schemas', () => {
  let admin: BareAdmin;
  let cookie: string;

  beforeAll(async () => {
    admin = await startBareAdmin();
    cookie = await injectLogin(admin.fastify);
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => admin?.close());

  const headers = () => ({ cookie, 'sec-fetch-site': 'same-origin' });

  it('refuses a bad query, a non-numeric :id and a body missing a field with 400 INVALID_PAYLOAD naming the field', async () => {
    const cases: { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string; payload?: object; message: RegExp }[] = [
      { method: 'GET', url: '/admin/api/reports?status=nope', message: /^status: Invalid option/ },
      { method: 'GET', url: '/admin/api/rooms?limit=abc', message: /^limit: / },
      { method: 'GET', url: '/admin/api/rooms/abc', message: /^id: / },
      { method: 'GET', url: '/admin/api/reports/1.5', message: /^id: / },
      { method: 'DELETE', url: '/admin/api/sanctions/x', message: /^id: / },
      { method: 'POST', url: '/admin/api/sanctions', payload: { user_id: 'someone00001', kind: 'banned', scope: 'identity' }, message: /^reason: / },
      { method: 'DELETE', url: '/admin/api/rooms/1', payload: { force: true }, message: /^reason: / },
      { method: 'PUT', url: '/admin/api/policy', payload: { links: 'flag', terms: [{ term: 'x', action: 'nuke' }] }, message: /^terms\.0\.action: / },
    ];
    for (const { method, url, payload, message } of cases) {
      const response = await admin.fastify.inject({ method, url, headers: headers(), ...(payload ? { payload } : {}) });
      expect(response.statusCode, `${method} ${url}`).toBe(400);
      expect(response.json(), `${method} ${url}`).toEqual({ error: 'INVALID_PAYLOAD', message: expect.stringMatching(message) });
    }
  });

  it('refuses a login without a password the same way', async () => {
    const response = await admin.fastify.inject({ method: 'POST', url: '/admin/login', payload: { pass: 'x' } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'INVALID_PAYLOAD', message: 'password: a non-empty string is required' });
  });

  it('checks the session before the schemas: a malformed request without one is a 401', async () => {
    const response = await admin.fastify.inject({ url: '/admin/api/reports?status=nope' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error).toBe('UNAUTHORIZED');
  });

  it('answers exactly the declared fields, dropping any other', async () => {
    const { document: current, version } = await admin.policy.stored();
    vi.spyOn(admin.policy, 'stored').mockResolvedValue({
      document: { ...current, internal: 'compiled matcher' } as PolicyDocument,
      version,
    });
    const response = await admin.fastify.inject({ url: '/admin/api/policy', headers: headers() });
    expect(response.statusCode).toBe(200);
    expect(Object.keys(response.json()).sort()).toEqual(['links', 'terms']);
    expect(response.json()).toEqual(current);
  });

  it('refuses to send an answer that does not fit its schema (500, nothing of it leaks)', async () => {
    vi.spyOn(admin.policy, 'stored').mockResolvedValue({
      document: { links: 'everywhere', terms: [] } as unknown as PolicyDocument,
      version: null,
    });
    const response = await admin.fastify.inject({ url: '/admin/api/policy', headers: headers() });
    expect(response.statusCode).toBe(500);
    expect(response.json().error).toBe('INTERNAL_ERROR');
    expect(response.body).not.toContain('everywhere');
  });
});
