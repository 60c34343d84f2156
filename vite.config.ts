/**
 * Vite build of the browser pages in `web/` into `dist/web`, which the server serves as static files.
 * Every `.html` file under `web/` is an entry (the chat page now, admin pages later), so adding a page
 * needs no change here. Everything is bundled: no CDN, no inline scripts (the server's CSP forbids them).
 * `web/public/` (the icons) is copied as is. Every text file gets a `.gz` and a `.br` beside it, which the
 * server sends to browsers that accept them (`preCompressed`), so nothing is compressed per request.
 */
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { compression } from 'vite-plugin-compression2';

const rootDir = dirname(fileURLToPath(import.meta.url));
const webDir = resolve(rootDir, 'web');

/** `{ 'index': '/…/web/index.html', 'admin/login': '/…/web/admin/login.html', … }` */
function htmlEntries(dir: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const path = file.split('\\').join('/');
    if (!path.endsWith('.html') || path.split('/').includes('node_modules')) continue;
    entries[path.slice(0, -'.html'.length)] = join(dir, path);
  }
  return entries;
}

export default defineConfig({
  root: webDir,
  base: '/',
  publicDir: resolve(webDir, 'public'),
  build: {
    outDir: resolve(rootDir, 'dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: { input: htmlEntries(webDir) },
  },
  plugins: [
    // Highest levels (gzip 9, brotli 11): compressed once at build time, so the cost is paid once.
    compression({
      algorithms: ['gzip', 'brotliCompress'],
      include: /\.(html|css|js|mjs|json|svg|ico|txt|webmanifest)$/,
      skipIfLargerOrEqual: true,
      logLevel: 'silent',
    }),
  ],
  // `npx vite` for page work: the real server runs on :5000 and handles Socket.IO.
  server: {
    proxy: { '/socket.io': { target: 'http://localhost:5000', ws: true } },
  },
});
