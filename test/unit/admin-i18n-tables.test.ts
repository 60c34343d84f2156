/**
 * The admin's texts live in one file per view (web/admin/src/i18n-*.ts), merged by spreading into the one
 * table `t()` reads. Types make each view's tables complete in both languages; what they cannot see is a
 * key defined by two views (the later spread would silently win) or a view file left out of the merge
 * (its keys would exist only for markup that never gets translated).
 */
import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { isTextKey, t } from '../../web/admin/src/i18n.js';
import { setLang } from '../../web/shared/translator.js';

afterEach(() => setLang('zh-CN'));

type Table = Readonly<Record<string, string>>;
interface ViewTables {
  file: string;
  zh: Table;
  en: Table;
}

const dir = new URL('../../web/admin/src/', import.meta.url);
const viewFiles = readdirSync(dir).filter((name) => /^i18n-[a-z-]+\.ts$/.test(name));

/** Each view file's two tables, found by their names (`…Zh`, `…En`) rather than listed by hand. */
async function viewTables(): Promise<ViewTables[]> {
  return Promise.all(
    viewFiles.map(async (file) => {
      const module = (await import(new URL(file, dir).href)) as Record<string, unknown>;
      const zh = Object.entries(module).filter(([name]) => name.endsWith('Zh'));
      const en = Object.entries(module).filter(([name]) => name.endsWith('En'));
      expect(zh.length, `${file} exports one zh-CN table`).toBe(1);
      expect(en.length, `${file} exports one English table`).toBe(1);
      return { file, zh: zh[0]?.[1] as Table, en: en[0]?.[1] as Table };
    }),
  );
}

describe('the admin text tables', () => {
  it('give every key one home: no key is defined by two views', async () => {
    const homes = new Map<string, string[]>();
    for (const { file, zh } of await viewTables()) {
      for (const key of Object.keys(zh)) homes.set(key, [...(homes.get(key) ?? []), file]);
    }
    const shared = [...homes].filter(([, files]) => files.length > 1);
    expect(shared).toEqual([]);
  });

  it('serve every view’s texts through t(), in both languages', async () => {
    for (const { file, zh, en } of await viewTables()) {
      expect(Object.keys(en).sort(), file).toEqual(Object.keys(zh).sort());
      for (const key of Object.keys(zh)) {
        expect(isTextKey(key), `${file}: ${key}`).toBe(true);
        if (!isTextKey(key)) continue;
        setLang('zh-CN');
        expect(t(key)).toBe(zh[key]);
        setLang('en');
        expect(t(key)).toBe(en[key]);
      }
    }
  });
});
