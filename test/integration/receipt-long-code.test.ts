/**
 * A receipt's code pasted with more than a code (junk around it, a whole message) is an unknown chat, in the
 * asker's language, like any other wrong code — not Fastify's "No route GET /api/receipts/<what was typed>"
 * (404) or 414, in English, which it got past the router's default 100 characters in a parameter.
 */
import { describe, expect, it } from 'vitest';
import { serverSuite } from '../helpers/suite.js';

describe('a receipt code longer than any code', () => {
  const suite = serverSuite();

  it('is "chat not found" in the asker\'s language, for reading and erasing, the code not repeated', async () => {
    const code = 'A'.repeat(1_500);
    for (const [accept, message] of [['zh-CN', '找不到这次聊天'], ['en-US,en;q=0.8', 'That chat was not found']] as const) {
      for (const [method, path] of [['GET', `/api/receipts/${code}`], ['POST', `/api/receipts/${code}/erase`]] as const) {
        const response = await fetch(suite.url + path, { method, headers: { 'accept-language': accept, origin: suite.url } });
        expect(response.status, `${method} ${accept}`).toBe(404);
        expect(response.headers.get('x-robots-tag')).toBe('noindex');
        expect(response.headers.get('cache-control')).toBe('no-store');
        expect(await response.json()).toEqual({ error: 'NOT_FOUND', message });
      }
    }
  });
});
