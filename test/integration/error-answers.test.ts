/**
 * Error answers over HTTP and sockets, from one catalogue: every HTTP error is JSON `{error: CODE, message}`
 * with `cache-control: no-store` (public routes and the admin alike, 404s included); a failure nobody
 * expected is a 500 INTERNAL_ERROR over HTTP and `{ok: false, code: 'INTERNAL_ERROR'}` in an ack, with
 * nothing of its internals in the answer. The failures are forced through seams that misbehave: a rate
 * limiter that throws on receipt lookups, a chat repository that answers a batch with a broken outcome.
 */
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { MemoryRateLimiter } from '../../src/ratelimit/memory-rate-limiter.js';
import type { RateRule, TakeResult } from '../../src/ratelimit/rate-limiter.js';
import { errorText } from '../../src/shared/codes.js';
import { SqlChatRepository, type AppendOutcome, type NewMessage } from '../../src/storage/chat-repository.js';
import { matchedPair, request } from '../helpers/client.js';
import { serverSuite } from '../helpers/suite.js';

const INTERNALS = 'limiter exploded at /srv/secret/path';

/** Throws (a bug, not an expected refusal) for receipt lookups only, so the rest of the server works. */
class ExplodingLimiter extends MemoryRateLimiter {
  override take(key: string, rule: RateRule): Promise<TakeResult> {
    if (key.startsWith('rc:')) return Promise.reject(new Error(INTERNALS));
    return super.take(key, rule);
  }
}

/** Stores messages, then answers with outcomes missing their message: a repository with a bug. */
class BrokenOutcomeRepository extends SqlChatRepository {
  override async appendMessages(batch: readonly NewMessage[]): Promise<AppendOutcome[]> {
    const outcomes = await super.appendMessages(batch);
    return outcomes.map((outcome) => ({ status: outcome.status }) as AppendOutcome);
  }
}

const suite = serverSuite({ deps: (database) => ({ rateLimiter: new ExplodingLimiter(systemClock), repository: new BrokenOutcomeRepository(database) }) });

async function answer(res: Response): Promise<{ status: number; cacheControl: string | null; type: string | null; body: unknown }> {
  return { status: res.status, cacheControl: res.headers.get('cache-control'), type: res.headers.get('content-type'), body: await res.json() };
}

const json = { status: expect.any(Number), cacheControl: 'no-store', type: 'application/json; charset=utf-8' };

describe('HTTP error answers', () => {
  it('an unexpected failure is 500 INTERNAL_ERROR in the asker\'s language, with no stack or internals', async () => {
    const zh = await fetch(`${suite.url}/api/receipts/AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG`);
    const text = await zh.clone().text();
    expect(await answer(zh)).toEqual({ ...json, status: 500, body: { error: 'INTERNAL_ERROR', message: errorText['zh-CN'].INTERNAL_ERROR } });
    expect(text).not.toContain('exploded');
    expect(text).not.toContain('/srv/');
    expect(text).not.toMatch(/at .+:\d+:\d+/);
    const en = await fetch(`${suite.url}/api/receipts/AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG`, { headers: { 'accept-language': 'en-US,en;q=0.8' } });
    expect((await answer(en)).body).toEqual({ error: 'INTERNAL_ERROR', message: errorText.en.INTERNAL_ERROR });
  });

  it('an unknown API route is 404 NOT_FOUND, public and admin alike', async () => {
    for (const path of ['/api/nothing-here', '/admin/api/nothing-here', '/api/receipts']) {
      const res = await answer(await fetch(suite.url + path));
      expect(res, path).toEqual({ ...json, status: 404, body: { error: 'NOT_FOUND', message: `No route GET ${path}` } });
    }
  });

  it('a client error of Fastify\'s own carries a code by status: bad JSON 400, too large 413, wrong type 415', async () => {
    const post = (body: string, type = 'application/json') => fetch(`${suite.url}/admin/login`, { method: 'POST', headers: { 'content-type': type }, body });
    expect(await answer(await post('{not json'))).toEqual({ ...json, status: 400, body: { error: 'INVALID_PAYLOAD', message: expect.any(String) } });
    expect(await answer(await post(JSON.stringify({ password: 'x'.repeat(2 * 1024 * 1024) })))).toEqual({ ...json, status: 413, body: { error: 'PAYLOAD_TOO_LARGE', message: expect.any(String) } });
    expect(await answer(await post('<password/>', 'application/xml'))).toEqual({ ...json, status: 415, body: { error: 'UNSUPPORTED_MEDIA_TYPE', message: expect.any(String) } });
  });

  it('a public refusal carries its code: cross-site identity reset 403, the bot challenge switched off 404', async () => {
    const reset = await fetch(`${suite.url}/api/identity/reset`, { method: 'POST', headers: { origin: 'https://evil.example' } });
    expect(await answer(reset)).toEqual({ ...json, status: 403, body: { error: 'CROSS_SITE_REQUEST', message: errorText['zh-CN'].CROSS_SITE_REQUEST } });
    const challenge = await fetch(`${suite.url}/api/challenge`);
    expect(await answer(challenge)).toEqual({ ...json, status: 404, body: { error: 'NOT_FOUND', message: 'the bot challenge is off' } });
  });

  it('an admin refusal carries its code and the specific message: no session 401, unknown conversation 404', async () => {
    expect(await answer(await fetch(`${suite.url}/admin/api/rooms/1`))).toEqual({ ...json, status: 401, body: { error: 'UNAUTHORIZED', message: 'Admin login required' } });
    const inUrl = await fetch(`${suite.url}/admin/login?password=hunter2`, { method: 'POST' });
    expect((await answer(inUrl)).body).toMatchObject({ error: 'PASSWORD_IN_URL' });
  });
});

describe('socket error answers', () => {
  it('a failure nobody expected answers the ack with INTERNAL_ERROR, and the connection stays usable', async () => {
    const { a, b } = await matchedPair(suite.url);
    suite.track(a, b);
    const ack = await request(a, 'send_message', { content: 'hello' });
    expect(ack).toEqual({ ok: false, code: 'INTERNAL_ERROR', message: errorText['zh-CN'].INTERNAL_ERROR });
    // Still answered, by code, on the same connection.
    expect(await request(a, 'send_message', { content: '' })).toMatchObject({ ok: false, code: 'EMPTY_MESSAGE' });
  });
});
