/**
 * The privacy notice (GET /api/privacy): in both languages, saying how long conversations are kept as
 * RETENTION_DAYS says; an operator's PRIVACY_FILE replaces it (its `{retention}` filled in); a broken file
 * stops the start with a message naming the problem.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/config.js';
import { loadPrivacyNotice } from '../../src/privacy/privacy-notice.js';
import { tempDir } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const dir = tempDir('privacy-notice-');
afterAll(() => dir.remove());

async function notice(server: TestServer, query: string, headers: Record<string, string> = {}): Promise<{ text: string; retention_days: number | null }> {
  const res = await fetch(`${server.url}/api/privacy${query}`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-cache');
  return (await res.json()) as { text: string; retention_days: number | null };
}

describe('the privacy notice', () => {
  it('says what is kept, who reads it and how to get or erase it; with no RETENTION_DAYS, kept with no time limit', async () => {
    const server = await startTestServer();
    try {
      const zh = await notice(server, '');
      expect(zh.retention_days).toBeNull();
      expect(zh.text).toContain('对话会一直保存，没有期限。');
      expect(zh.text).toMatch(/管理员/);
      expect(zh.text).toMatch(/回执码/);
      expect(zh.text).not.toContain('{retention}');
      const en = await notice(server, '?lang=en');
      expect(en.text).toContain('How long: conversations are kept with no time limit.');
      expect(en.text).toMatch(/receipt code/);
      // The browser's language when the page does not say.
      expect((await notice(server, '', { 'accept-language': 'en-GB,en;q=0.9' })).text).toMatch(/^What we store/);
    } finally {
      await server.close();
    }
  });

  it('follows RETENTION_DAYS, and an operator file replaces the text with {retention} filled in', async () => {
    const file = join(dir.path, 'privacy.json');
    writeFileSync(file, JSON.stringify({ text: { 'zh-CN': '本站说明。\n保存：{retention}', en: 'Our notice.\nKept: {retention}' } }));
    const server = await startTestServer({ config: { retention: { retentionDays: 30, intervalMs: 3_600_000 }, privacyNoticeFile: file } });
    try {
      expect(await notice(server, '?lang=zh-CN')).toEqual({ text: '本站说明。\n保存：对话在结束 30 天后删除（正在审核的对话保留到审核结束）。', retention_days: 30 });
      expect(await notice(server, '?lang=en')).toEqual({
        text: 'Our notice.\nKept: conversations are deleted 30 days after they end (one under review is kept until the review is finished).',
        retention_days: 30,
      });
    } finally {
      await server.close();
    }
  });

  it('refuses a broken PRIVACY_FILE at start, naming the problem', () => {
    const missingEn = join(dir.path, 'missing-en.json');
    writeFileSync(missingEn, JSON.stringify({ text: { 'zh-CN': '只有中文' } }));
    expect(() => loadPrivacyNotice(missingEn)).toThrow(/PRIVACY_FILE .*missing-en\.json: text\.en/);
    const notJson = join(dir.path, 'not.json');
    writeFileSync(notJson, '{text:');
    expect(() => loadPrivacyNotice(notJson)).toThrow(/PRIVACY_FILE .*not\.json: .*JSON/);
    expect(() => loadPrivacyNotice(join(dir.path, 'absent.json'))).toThrow(/PRIVACY_FILE .*absent\.json: ENOENT/);
    expect(defaultConfig().privacyNoticeFile).toBeUndefined();
  });
});
