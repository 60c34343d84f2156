/**
 * The build, and knowing when it is needed. `npm run build` compiles the server (tsc → dist/server) and the
 * pages (Vite → dist/web, with .gz and .br beside each text file), then writes dist/build-stamp.json: a
 * hash of every input of the build. `npm start` (scripts/start.mjs) compares that hash with the sources and
 * builds only when they differ, so a start on an unchanged checkout costs no build and needs none of the
 * build tools (devDependencies).
 *
 * Plain Node.js (no TypeScript, no dependencies): it must run where only production packages are installed.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const distDir = join(projectRoot, 'dist');
export const stampFile = join(distDir, 'build-stamp.json');
const lockFile = join(distDir, '.build-lock');

/** What the build reads: a change in any of these makes dist/ stale. */
const INPUT_DIRS = ['src', 'web', 'migrations'];
const INPUT_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'vite.config.ts', 'scripts/build.mjs'];

/** The build tools refused to load: devDependencies are not installed here. */
export class BuildToolsMissing extends Error {
  name = 'BuildToolsMissing';
}

/** Files under `dir` (relative, `/`-separated), skipping dotfiles (editor swap files, .DS_Store). */
function listFiles(dir) {
  let entries;
  try {
    entries = readdirSync(join(projectRoot, dir), { withFileTypes: true });
  } catch (error) {
    if (error.code === 'ENOENT') return [];
    throw error;
  }
  return entries.flatMap((entry) => {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') return [];
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return listFiles(path);
    return entry.isFile() ? [path] : [];
  });
}

/**
 * SHA-256 over the path and content of every build input. Contents, not modification times: a `git
 * checkout` or a copy changes times without changing what the build would produce.
 */
export function inputsHash() {
  const hash = createHash('sha256');
  const files = [...INPUT_FILES, ...INPUT_DIRS.flatMap(listFiles)].sort();
  for (const file of files) {
    let content;
    try {
      content = readFileSync(join(projectRoot, file));
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
    }
    hash.update(`${file}\0${content ? content.length : '-'}\0`);
    if (content) hash.update(content);
  }
  return hash.digest('hex');
}

/** The hash the last complete build was made from, if any. */
function stampedHash() {
  try {
    return JSON.parse(readFileSync(stampFile, 'utf8')).inputs;
  } catch {
    return undefined;
  }
}

/** True when dist/ was built from exactly the current sources. */
export function isBuildCurrent() {
  return stampedHash() === inputsHash();
}

/** The path of a devDependency's command-line entry (`bin`), or BuildToolsMissing saying why a build was needed. */
function toolPath(pkg, bin, why) {
  const require = createRequire(join(projectRoot, 'package.json'));
  let manifestPath;
  try {
    manifestPath = require.resolve(`${pkg}/package.json`);
  } catch {
    throw new BuildToolsMissing(
      `${why}, and ${pkg} is not installed (devDependencies were left out), so dist/ cannot be built here. ` +
        'Build where they are installed: npm ci && npm run build (then npm prune --omit=dev if you like).',
    );
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const entry = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin[bin];
  return join(dirname(manifestPath), entry);
}

function run(script, args) {
  const result = spawnSync(process.execPath, [script, ...args], { cwd: projectRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${script} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

/** The build tools, or BuildToolsMissing (`why` says why a build was needed). */
function buildTools(why) {
  return { tsc: toolPath('typescript', 'tsc', why), vite: toolPath('vite', 'vite', why) };
}

/** Builds unconditionally and stamps the result. Call with the build lock held. */
function buildNow({ tsc, vite }) {
  // Hashed before building: a source edited during the build makes the next start build again.
  const hash = inputsHash();
  rmSync(stampFile, { force: true });
  run(tsc, ['-p', 'tsconfig.build.json']);
  run(vite, ['build', '--logLevel', 'warn']);
  writeFileSync(stampFile, `${JSON.stringify({ inputs: hash, builtAt: new Date().toISOString() })}\n`);
}

/**
 * One build at a time per checkout: `PORT=5001 npm start & PORT=5002 npm start` must not run two Vite
 * builds into one dist/web. The lock file holds the builder's pid; a lock whose process is gone is stale.
 */
function tryLock() {
  mkdirSync(distDir, { recursive: true });
  try {
    const fd = openSync(lockFile, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
  }
  const holder = Number(readFileSync(lockFile, 'utf8').trim());
  if (!isAlive(holder)) rmSync(lockFile, { force: true });
  return false;
}

function isAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Builds when dist/ is missing or older than the sources (waiting for a build another process is running).
 * @returns whether this call built.
 */
export async function ensureBuilt({ force = false, say = (line) => console.error(line) } = {}) {
  let waited = false;
  for (;;) {
    if (!force && isBuildCurrent()) return false;
    if (tryLock()) {
      try {
        if (!force && isBuildCurrent()) return false;
        const why = force ? 'a build was asked for' : stampedHash() === undefined ? 'there is no build yet' : 'the sources changed since the last build';
        const tools = buildTools(why);
        const started = Date.now();
        if (!force) say(`npm start: ${why}: building the server and pages…`);
        buildNow(tools);
        say(`build done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        return true;
      } finally {
        rmSync(lockFile, { force: true });
      }
    }
    if (!waited) say('waiting for the build another process is running…');
    waited = true;
    await sleep(250);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureBuilt({ force: true }).catch((error) => {
    console.error(error instanceof BuildToolsMissing ? error.message : `Build failed: ${error.message}`);
    process.exit(1);
  });
}
