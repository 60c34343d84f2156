/**
 * Once per test run: an embedded database created and migrated a single time, which every test that
 * needs a fresh PGlite database copies (a directory copy instead of initdb and every migration again —
 * seconds each, on a loaded 2-core machine far more).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openPgliteDatabase } from '../../src/storage/pglite-database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated PGlite data directory to copy (see test/helpers/database.ts). */
    pgliteTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'chat-pglite-template-'));
  const database = await openPgliteDatabase(dir);
  await database.migrate();
  await database.close();
  project.provide('pgliteTemplate', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
