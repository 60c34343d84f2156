/**
 * Cross-site request guard, for state-changing requests and for reads of private data. The
 * SameSite=Strict cookie already keeps the session out of cross-site requests; this check also stops
 * login CSRF (which needs no session), browsers without SameSite support, and pages of a sibling site
 * (another subdomain or port is *same-site*: the Strict cookie goes along) embedding an export or an API
 * answer. A same-origin request passes without any token.
 */
import type { FastifyRequest } from 'fastify';
import { AppError, ErrorCode } from '../../errors.js';

/** `Sec-Fetch-Site` values a browser sends for our own pages or a typed URL. */
const ALLOWED_FETCH_SITES = new Set(['same-origin', 'none']);

/**
 * Why the request looks cross-site, or undefined when it may proceed. Requests with neither `Origin` nor
 * `Sec-Fetch-Site` (scripts, curl) pass: only browsers forge requests on someone's behalf, and they send one.
 */
export function crossSiteReason(request: FastifyRequest): string | undefined {
  const fetchSite = request.headers['sec-fetch-site'];
  if (typeof fetchSite === 'string' && !ALLOWED_FETCH_SITES.has(fetchSite)) return `Sec-Fetch-Site is ${fetchSite}`;
  const origin = request.headers.origin;
  if (origin === undefined) return undefined;
  const originHost = hostOf(origin);
  if (originHost === undefined) return 'Origin is not a URL';
  // `request.host` is the Host header, or X-Forwarded-Host behind a trusted proxy. The scheme is not
  // compared: behind a TLS proxy without TRUST_PROXY the server sees http where the browser used https, and
  // would refuse every admin. An http page of the same host is cross-site to browsers (schemeful same-site):
  // its Sec-Fetch-Site says so above, and the Secure, SameSite=Strict cookie does not go with it.
  if (originHost !== request.host.toLowerCase()) return 'Origin does not match Host';
  return undefined;
}

/** An onRequest hook answering 403 `CROSS_SITE_REQUEST` when `crossSiteReason` finds one. */
export async function refuseCrossSite(request: FastifyRequest): Promise<void> {
  const reason = crossSiteReason(request);
  if (reason) throw new AppError(ErrorCode.CROSS_SITE_REQUEST, { detail: `Cross-site request refused (${reason})` });
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined; // includes the literal `null` of sandboxed frames and file: pages
  }
}
