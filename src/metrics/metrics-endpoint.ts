/**
 * `GET /metrics` in Prometheus's text format. Either on the main port behind a bearer token
 * (`METRICS_TOKEN`), or on a port of its own (`METRICS_PORT`, bound to `METRICS_HOST`, 127.0.0.1 by
 * default) that the public never reaches — with the token required there too when both are set.
 * Numbers of a public service are not secret, but they tell an attacker when moderators are away and
 * how well an attack works: they are never open on the public port.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { AppError, ErrorCode } from '../errors.js';

/** Whether `header` is `Bearer <token>` (compared in constant time; any token when none is configured). */
export function bearerMatches(header: string | undefined, token: string | undefined): boolean {
  if (token === undefined) return true;
  const match = /^Bearer (.+)$/.exec(header ?? '');
  if (!match) return false;
  // Digests have one length, so the comparison takes the same time whatever was sent.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(match[1]!), digest(token));
}

/** On the main server: `/metrics` behind the token. */
export function registerMetricsRoute(fastify: FastifyInstance, options: { registry: Registry; token: string }): void {
  fastify.get('/metrics', async (request, reply) => {
    void reply.header('cache-control', 'no-store');
    if (!bearerMatches(request.headers.authorization, options.token)) {
      void reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw new AppError(ErrorCode.UNAUTHORIZED, { detail: 'a bearer token is required' });
    }
    return reply.type(options.registry.contentType).send(await options.registry.metrics());
  });
}

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/** The metrics on a port of their own (nothing else is served there). Resolves once it listens. */
export async function startMetricsServer(options: { registry: Registry; token: string | undefined; port: number; host: string }): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => void serve(request, response, options));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // `exclusive`: a cluster worker binds its own port rather than sharing the primary's handle.
    server.listen({ port: options.port, host: options.host, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function serve(request: IncomingMessage, response: ServerResponse, options: { registry: Registry; token: string | undefined }): Promise<void> {
  response.setHeader('cache-control', 'no-store');
  response.setHeader('x-content-type-options', 'nosniff');
  const path = (request.url ?? '/').split('?')[0];
  if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  if (!bearerMatches(request.headers.authorization, options.token)) {
    response.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer realm="metrics"' }).end('unauthorized\n');
    return;
  }
  try {
    const body = await options.registry.metrics();
    response.writeHead(200, { 'content-type': options.registry.contentType }).end(request.method === 'HEAD' ? undefined : body);
  } catch {
    response.writeHead(500, { 'content-type': 'text/plain' }).end('metrics could not be collected\n');
  }
}
