import type { IncomingMessage } from 'node:http';

/**
 * Cross-site WebSocket hijacking guard for the Socket.IO handshake: a browser always sends `Origin`, so a
 * handshake whose Origin is neither this site nor an allowed one is refused. No Origin means a
 * non-browser client, which a cookie-stealing page cannot be: allowed.
 */
export function isOriginAllowed(req: IncomingMessage, allowedOrigins: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (allowedOrigins.includes(origin)) return true;
  try {
    const host = req.headers['x-forwarded-host'] ?? req.headers.host;
    return host !== undefined && new URL(origin).host === String(host).split(',')[0]!.trim();
  } catch {
    return false;
  }
}
