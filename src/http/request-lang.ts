/** The language a request asks for: `?lang=`, else the browser's first Accept-Language tag; zh-CN by default. */
import type { FastifyRequest } from 'fastify';
import { parseLang, type Lang } from '../shared/codes.js';

export function requestLang(request: FastifyRequest): Lang {
  // The query may be missing on a request refused before routing (a malformed URL).
  const query = request.query as { lang?: unknown } | undefined;
  return parseLang(query?.lang ?? request.headers['accept-language']?.split(',')[0]);
}
