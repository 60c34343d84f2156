/**
 * The built pages as the server sends them: precompressed (brotli or gzip, chosen by Accept-Encoding, with
 * `Vary: Accept-Encoding`) or plain, and an icon for every page — `/favicon.ico` and the SVG each page links.
 * Needs the built pages (`npm test` builds them first).
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { GENERATED_PASSWORD_FILE } from '../../src/admin/auth/admin-password.js';
import { ensurePageBuilt } from '../helpers/browser.js';
import { serverSuite } from '../helpers/suite.js';

interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  /** The bytes as they came over the wire (still compressed). */
  body: Buffer;
}

/** A GET that leaves the body as sent (fetch would decompress it and hide what the server did). */
function get(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const decoders: Record<string, (body: Buffer) => Buffer> = { br: brotliDecompressSync, gzip: gunzipSync };

await ensurePageBuilt('admin/index.html');

describe('static files', () => {
  const suite = serverSuite();

  it('come brotli- or gzip-compressed to browsers that accept it and plain to others, varying on Accept-Encoding', async () => {
    const plainPage = await get(`${suite.url}/`);
    expect(plainPage.status).toBe(200);
    expect(plainPage.headers['content-encoding']).toBeUndefined();
    expect(plainPage.headers['vary']).toMatch(/accept-encoding/i);
    expect(plainPage.body.toString()).toContain('<html');
    const bundles = [...plainPage.body.toString().matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(bundles.some((path) => path.endsWith('.js'))).toBe(true);
    expect(bundles.some((path) => path.endsWith('.css'))).toBe(true);

    for (const path of ['/', ...bundles]) {
      const plain = path === '/' ? plainPage : await get(`${suite.url}${path}`, {});
      expect(plain.headers['content-encoding']).toBeUndefined();
      for (const [acceptEncoding, expected] of [
        ['br', 'br'],
        ['gzip', 'gzip'],
        ['gzip, deflate, br, zstd', 'br'],
      ] as const) {
        const compressed = await get(`${suite.url}${path}`, { 'accept-encoding': acceptEncoding });
        expect(compressed.status, `${path} with ${acceptEncoding}`).toBe(200);
        expect(compressed.headers['content-encoding'], `${path} with ${acceptEncoding}`).toBe(expected);
        expect(compressed.headers['vary']).toMatch(/accept-encoding/i);
        expect(compressed.headers['content-type']).toBe(plain.headers['content-type']);
        expect(compressed.body.length).toBeLessThan(plain.body.length);
        expect(decoders[expected]!(compressed.body).equals(plain.body), `${path} decompressed`).toBe(true);
      }
    }
    // The compressed chat page still hands out the identity cookie.
    expect((await get(`${suite.url}/`, { 'accept-encoding': 'br' })).headers['set-cookie']?.join(';')).toMatch(/uid=/);
  });

  it('pages are private to the visitor (they carry the identity cookie) and revalidated; hashed bundles are cached for good', async () => {
    const page = await get(`${suite.url}/`);
    expect(page.headers['set-cookie']?.join(';')).toMatch(/uid=/);
    // A shared cache (a CDN, a proxy) must not store a page with somebody's identity cookie for the next visitor.
    expect(page.headers['cache-control']).toBe('private, no-cache');
    const bundle = [...page.body.toString().matchAll(/src="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!)[0]!;
    expect((await get(`${suite.url}${bundle}`)).headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('include an icon for every page: /favicon.ico and the SVG that the chat page and the admin pages link', async () => {
    const ico = await get(`${suite.url}/favicon.ico`);
    expect(ico.status).toBe(200);
    expect(ico.headers['content-type']).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon)$/);
    expect([...ico.body.subarray(0, 4)]).toEqual([0, 0, 1, 0]); // an ICO header
    const svg = await get(`${suite.url}/favicon.svg`);
    expect(svg.status).toBe(200);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(svg.body.toString()).toContain('<svg');

    // The dashboard needs a session: log in with the password this server generated into its DATA_DIR.
    const password = readFileSync(join(suite.server.dataDir!, GENERATED_PASSWORD_FILE), 'utf8').trim();
    const login = await fetch(`${suite.url}/admin/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password }) });
    expect(login.status).toBe(200);
    const session = /admin_sid=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];

    for (const [path, cookie, title] of [
      ['/', '', '匿名聊天室'],
      ['/admin', '', '管理员登录'],
      ['/admin', session, '管理后台'],
    ] as const) {
      const html = (await get(`${suite.url}${path}`, cookie ? { cookie } : {})).body.toString();
      expect(html).toContain(`<title>${title}</title>`);
      const icons = [...html.matchAll(/<link rel="icon" href="([^"]+)"[^>]*>/g)].map((m) => m[1]);
      expect(icons, `${path} (${title})`).toEqual(['/favicon.ico', '/favicon.svg']);
    }
  });
});
