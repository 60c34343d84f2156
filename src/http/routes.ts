/**
 * Public HTTP: the chat page and icons (static, built by Vite, precompressed) and health checks. (The
 * identity cookie: identity-routes.ts; error answers: error-handler.ts.)
 */
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../storage/database.js';

export interface PublicRoutesOptions {
  webDir: string;
  database: Database;
  /** Further dependencies `/readyz` checks, by name. */
  readiness: Record<string, () => Promise<void>>;
}

/** Longest a readiness check may take before the dependency counts as unreachable. */
const READY_CHECK_TIMEOUT_MS = 2_000;

/** Resolves or rejects as `operation` does, or rejects after `ms`. */
function withinMs<T>(operation: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([operation, timeout]).finally(() => clearTimeout(timer));
}

export async function registerPublicRoutes(app: FastifyInstance, options: PublicRoutesOptions): Promise<void> {
  const { database } = options;

  app.get('/healthz', async () => ({ status: 'ok' }));
  const checks: Record<string, () => Promise<void>> = { storage: () => database.ping(), ...options.readiness };
  app.get('/readyz', async (_request, reply) => {
    // Each check gets a bounded time: a hung dependency makes the answer 503, never no answer.
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => [name, await withinMs(check(), READY_CHECK_TIMEOUT_MS).then(() => 'ok', () => 'unreachable')] as const),
    );
    const body = Object.fromEntries(results);
    const ready = results.every(([, state]) => state === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', ...body });
  });

  if (existsSync(options.webDir)) {
    await app.register(fastifyStatic, {
      root: options.webDir,
      // An array: @fastify/static looks up the compressed index only in an array (a string gives `/` a 404).
      index: ['index.html'],
      cacheControl: false,
      // The build writes `.br` and `.gz` beside every text file: sent as is to a browser that accepts one.
      preCompressed: true,
      // Hashed bundles never change; pages must be revalidated so a deploy never points at deleted bundles,
      // and are private: the chat page comes with the visitor's identity cookie, which a shared cache (a CDN,
      // a proxy) must never store and hand to the next visitor. The same URL has a plain and compressed
      // body, so caches must key on Accept-Encoding.
      setHeaders: (res, path) => {
        res.setHeader('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'private, no-cache');
        res.setHeader('vary', 'Accept-Encoding');
      },
    });
  } else {
    app.log.warn({ webDir: options.webDir }, 'web page not built: run `npm run build` to serve the chat page');
    app.get('/', async (_request, reply) => reply.code(503).type('text/plain; charset=utf-8').send('Page not built: run `npm run build`.\n'));
  }
}
