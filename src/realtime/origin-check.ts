/**
 * Which requests to the Socket.IO endpoint may come from where. A browser tells us who made a request:
 * `Origin` on WebSocket handshakes and on script-made HTTP requests, `Sec-Fetch-Site` on every request. A
 * request made for another site's page — a WebSocket opened by it, a long-polling request it sends, or a
 * `<script>` tag pointing at us (JSONP, which sends no `Origin`) — is refused, so such a page can never
 * act with our visitor's cookie. A request with neither header comes from a non-browser client, which a
 * cookie-stealing page cannot be: allowed.
 */
import type { IncomingMessage } from 'node:http';

export interface OriginPolicy {
  /** Origins (`scheme://host[:port]`) allowed besides the site's own. */
  allowedOrigins: readonly string[];
  /** Whether `X-Forwarded-Host` / `X-Forwarded-Proto` come from a trusted proxy (TRUST_PROXY is set). */
  trustForwarded: boolean;
}

/** `Sec-Fetch-Site` values of requests made by our own page, or typed into the address bar. */
const OWN_SITE = new Set(['same-origin', 'none']);

export function isOriginAllowed(req: IncomingMessage, policy: OriginPolicy): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) {
    const site = req.headers['sec-fetch-site'];
    return site === undefined || OWN_SITE.has(String(site));
  }
  if (policy.allowedOrigins.includes(origin)) return true;
  return origin === ownOrigin(req, policy.trustForwarded);
}

/** The origin the request was sent to: forwarded host and scheme only when a trusted proxy sets them. */
function ownOrigin(req: IncomingMessage, trustForwarded: boolean): string | undefined {
  const forwardedHost = trustForwarded ? firstValue(req.headers['x-forwarded-host']) : undefined;
  const host = forwardedHost ?? req.headers.host;
  if (host === undefined) return undefined;
  const forwardedProto = trustForwarded ? firstValue(req.headers['x-forwarded-proto']) : undefined;
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  const scheme = forwardedProto ?? (encrypted ? 'https' : 'http');
  return `${scheme}://${host}`;
}

function firstValue(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(',')[0]?.trim() || undefined;
}

/** JSONP long-polling (`?j=`), which answers with a script any page can include: never served. */
export function isJsonpRequest(req: IncomingMessage & { _query?: Record<string, string> }): boolean {
  return req._query !== undefined && 'j' in req._query;
}
