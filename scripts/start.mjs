/**
 * `npm start`: builds only when needed (no dist/ yet, or sources changed since the last build — see
 * scripts/build.mjs), then runs the built server in this same process. With a current build it loads no
 * build tool, so it works where devDependencies were pruned.
 */
import cluster from 'node:cluster';
import { BuildToolsMissing, ensureBuilt } from './build.mjs';

// WEB_CONCURRENCY workers re-run this file: the primary has already made sure the build is current.
if (cluster.isPrimary) {
  try {
    await ensureBuilt();
  } catch (error) {
    console.error(error instanceof BuildToolsMissing ? `Cannot start: ${error.message}` : `Cannot start: the build failed: ${error.message}`);
    process.exit(1);
  }
}

await import('../dist/server/main.js');
