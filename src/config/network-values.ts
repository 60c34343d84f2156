/**
 * Settings that name places on the network — an interface to bind, the proxies to trust, the origins
 * allowed to connect — checked as typed: a bad one otherwise surfaces only at `listen`, when the first
 * request is resolved, or never (an origin that no browser sends). Each check answers what is wrong, for
 * config.ts to say with the variable's name and value; `undefined` when nothing is.
 */
import { isIP } from 'node:net';
import proxyAddr from '@fastify/proxy-addr';

/**
 * One label of a host name: letters, digits, hyphens inside, 1 to 63 of them (RFC 1123) — and underscores,
 * which the system's resolver takes in the names Docker Compose gives containers (`project_web_1`).
 */
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i;

/**
 * Whether `value` is an IP address (IPv6 without brackets) or a host name (`localhost`, a fully qualified
 * one with its final dot). Not whether it resolves: a name that does not fails the listen, which names
 * HOST then (src/main.ts). Short numeric forms the resolver reads as addresses (`0`, `127.1`) pass as names.
 */
export function isHost(value: string): boolean {
  if (isIP(value) !== 0) return true;
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  return name.length > 0 && name.length <= 253 && name.split('.').every((label) => LABEL.test(label));
}

/** What is wrong with `HOST` or `METRICS_HOST`. */
export function hostProblem(value: string): string | undefined {
  if (isHost(value)) return undefined;
  return 'must be an IP address (0.0.0.0, ::, 127.0.0.1; IPv6 without brackets), localhost, or a host name (letters, digits, hyphens and underscores between dots, no port)';
}

const TRUST_PROXY_ACCEPTED =
  'true, false, a hop count (0 trusts none), or comma-separated proxy addresses and CIDR ranges (10.0.0.1, 10.0.0.0/8, fd00::/8) or the names loopback, linklocal, uniquelocal';

/**
 * `TRUST_PROXY` as Fastify's `trustProxy` takes it: `false` (unset, `false`, `0` or an empty list — no hop
 * trusted is no proxy trusted), `true`, a hop count, or the list of addresses and ranges. Unchecked: see
 * `trustProxyProblem`.
 */
export function parseTrustProxy(value: string | undefined): boolean | number | string[] {
  const trimmed = value?.trim();
  if (trimmed === undefined || trimmed === 'false') return false;
  if (trimmed === 'true') return true;
  if (/^\d+$/.test(trimmed)) return Number(trimmed) === 0 ? false : Number(trimmed);
  const list = trimmed.split(',').map((s) => s.trim()).filter(Boolean);
  return list.length === 0 ? false : list;
}

/**
 * What is wrong with `TRUST_PROXY`: a list entry the proxy-address matcher that Fastify and
 * src/http/client-address.ts use would throw on, once the server builds it.
 */
export function trustProxyProblem(value: string): string | undefined {
  const parsed = parseTrustProxy(value);
  if (!Array.isArray(parsed)) return undefined;
  for (const entry of parsed) {
    try {
      proxyAddr.compile(entry);
    } catch {
      return parsed.length === 1 && entry === value.trim()
        ? `must be ${TRUST_PROXY_ACCEPTED}`
        : `${JSON.stringify(entry)} is not an address or range; accepted: ${TRUST_PROXY_ACCEPTED}`;
    }
  }
  return undefined;
}

/** `ALLOWED_ORIGINS` as a list; a trailing slash is dropped (`https://chat.example/`). Unchecked: see `allowedOriginsProblem`. */
export function parseAllowedOrigins(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((o) => o.trim().replace(/\/$/, ''))
    .filter(Boolean);
}

/**
 * An app shell's origin, taken as written: `capacitor://localhost`, `ionic://localhost`, `tauri://localhost`,
 * `chrome-extension://<id>` (lower case, an authority, nothing after it). Only http(s) origins are rewritten.
 * Not `null`: it is the Origin of any site's sandboxed frame or `data:` page, so allowing it would let every
 * site past the cross-site checks (the socket, a receipt's erasure, a new identity).
 */
const APP_ORIGIN = /^(?!https?:)[a-z][a-z0-9+.-]*:\/\/[^/?#\sA-Z]+$/;

/**
 * What is wrong with `ALLOWED_ORIGINS`: an entry that is not an origin exactly as a browser sends it in
 * `Origin` — src/realtime/origin-check.ts compares the strings, so `example.com`, `https://Example.com`
 * or `https://example.com/app` would never match anybody.
 */
export function allowedOriginsProblem(value: string): string | undefined {
  for (const entry of parseAllowedOrigins(value)) {
    if (entry === 'null') return '"null" is the origin of any site\'s sandboxed frame or data: page: allowing it would let every site past the cross-site checks';
    if (APP_ORIGIN.test(entry)) continue;
    const origin = originOf(entry);
    if (origin === entry) continue;
    return origin === undefined
      ? `${JSON.stringify(entry)} is not an origin: each entry is http:// or https://, a host and an optional port, nothing after it (https://chat.example.com, http://localhost:3000), or an app's own (capacitor://localhost)`
      : `${JSON.stringify(entry)} is not an origin as a browser sends it: write ${JSON.stringify(origin)} (scheme, host in lower case and port only, no default port, nothing after it)`;
  }
  return undefined;
}

/** The origin `entry` stands for when it is an http(s) URL of a real host, else `undefined`. */
function originOf(entry: string): string | undefined {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (!isHost(url.hostname.replace(/^\[(.*)\]$/, '$1'))) return undefined;
  return url.origin;
}
