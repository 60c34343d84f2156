/**
 * `npm start` (scripts/start.mjs) in a copy of the project, as an operator runs it: the first start
 * builds (once, when several start together); a start on unchanged sources does not build — and so works
 * with devDependencies pruned away —; a changed source makes the next start build, or, without the build
 * tools, refuse with one clear line. One build in all: it is the heavy part.
 */
import { appendFileSync, cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/database.js';
import { startServerProcess, type ServerProcess } from '../helpers/process.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const BUILD_INPUTS = ['src', 'web', 'migrations', 'scripts', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'vite.config.ts'];
const BUILDING = /npm start: .*: building/;
/** A build takes 10–20 s on a small machine, longer on a loaded one. */
const START_TIMEOUT_MS = 150_000;

/** A `node_modules` of symlinks to the project's packages: all of them, or (pruned) only production ones. */
function linkModules(target: string, { pruned }: { pruned: boolean }): void {
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target);
  const lock = JSON.parse(readFileSync(join(projectRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  const source = join(projectRoot, 'node_modules');
  const keep = (name: string) => !pruned || lock.packages[`node_modules/${name}`]?.dev !== true;
  for (const entry of readdirSync(source)) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) {
      mkdirSync(join(target, entry));
      for (const scoped of readdirSync(join(source, entry))) {
        if (keep(`${entry}/${scoped}`)) symlinkSync(join(source, entry, scoped), join(target, entry, scoped));
      }
    } else if (keep(entry)) {
      symlinkSync(join(source, entry), join(target, entry));
    }
  }
}

describe('npm start builds only when needed', () => {
  const project = tempDir('chat-start-');
  const dataDirs: ReturnType<typeof tempDir>[] = [];
  for (const input of BUILD_INPUTS) cpSync(join(projectRoot, input), join(project.path, input), { recursive: true });
  const modules = join(project.path, 'node_modules');
  const stamp = () => readFileSync(join(project.path, 'dist', 'build-stamp.json'), 'utf8');

  /** `node scripts/start.mjs` in the copy, on its own data directory. */
  function start(): Promise<ServerProcess> {
    const data = tempDir();
    dataDirs.push(data);
    return startServerProcess({ DATA_DIR: data.path, ADMIN_PASSWORD: 'start-test-admin-password' }, { args: ['scripts/start.mjs'], cwd: project.path, readyTimeoutMs: START_TIMEOUT_MS });
  }

  async function servesThePage(server: ServerProcess): Promise<void> {
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    expect(await server.stop('SIGTERM')).toBe(0);
  }

  afterAll(() => {
    project.remove();
    for (const dir of dataDirs) dir.remove();
  });

  it('builds once on a first start (however many start at once), not on the next even without build tools, and notices a changed source', { timeout: 3 * START_TIMEOUT_MS }, async () => {
    // Two starts at once on a fresh checkout: one builds, the other waits for that build; both serve it.
    linkModules(modules, { pruned: false });
    const [a, b] = await Promise.all([start(), start()]);
    const outputs = [a.output(), b.output()];
    expect(outputs.filter((o) => /npm start: there is no build yet: building/.test(o))).toHaveLength(1);
    expect(outputs.filter((o) => /waiting for the build another process is running/.test(o))).toHaveLength(1);
    await servesThePage(a);
    await servesThePage(b);
    const built = stamp();

    // Production: build tools gone (npm prune --omit=dev). A current build starts without them.
    linkModules(modules, { pruned: true });
    const again = await start();
    expect(again.output()).not.toMatch(BUILDING);
    await servesThePage(again);
    expect(stamp()).toBe(built);

    // A changed source needs a build, which cannot happen without the tools: one clear line, no stale start.
    appendFileSync(join(project.path, 'src', 'main.ts'), '\n// changed after the build\n');
    await expect(start()).rejects.toThrow(/Cannot start: the sources changed since the last build, and typescript is not installed .*npm ci && npm run build/);
  });
});
