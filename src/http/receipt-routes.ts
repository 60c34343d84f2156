/**
 * Receipts over HTTP, for anyone holding a code — from any browser, no identity cookie needed:
 * - `GET /api/receipts/:code` — the holder's copy of that conversation as JSON, with what would stop an
 *   erasure now and until when (`?format=txt`: a text transcript to download; `?download=1`: the JSON as a
 *   file too, without that moment's erase state; `?lang=en` for the transcript's labels);
 * - `POST /api/receipts/:code/erase` — empties the holder's own messages in it (kept as markers), refused
 *   with 409 while a report on it is open or the partner may still report it; same-origin only; recorded
 *   in the admin audit log;
 * - `GET /api/my/chats` — for the identity cookie: its chats of the last 30 days with their codes, limited
 *   per identity (as code lookups per network) and per network (four times that);
 * - `GET /my` — the page for all this (web/my.html).
 * Every request naming a code costs a token of its client network's budget (429 with Retry-After beyond
 * it), taken before anything is looked up and refused before that when another site's page asks; an unknown code and a malformed one both answer 404, which
 * says nothing about whether the conversation exists. Answers are never cached. A conversation is read a
 * page of messages at a time and streamed, so its length costs neither memory nor the database's time.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AuditLog } from '../admin/audit-log.js';
import type { Clock } from '../clock.js';
import { AppError, ErrorCode } from '../errors.js';
import { IDENTITY_COOKIE, type IdentitySigner } from '../identity.js';
import { canonicalCode } from '../privacy/receipt-codes.js';
import { groupForReading } from '../shared/crockford.js';
import type { ConversationErasure } from '../privacy/erasure.js';
import type { ReceiptBook, ReceiptHolder } from '../privacy/receipts.js';
import { eraseState, openTranscript, transcriptJson, transcriptText, UNKNOWN_ERASE_STATE, type EraseState } from '../privacy/transcript.js';
import type { RateLimiter, RateRule } from '../ratelimit/rate-limiter.js';
import { isOriginAllowed, type OriginPolicy } from '../realtime/origin-check.js';
import { formatIso } from '../shared/time.js';
import type { Database } from '../storage/database.js';
import { requestLang } from './request-lang.js';
import type { MyChat } from '../shared/protocol.js';

export interface ReceiptRoutesOptions {
  database: Database;
  receipts: ReceiptBook;
  erasure: ConversationErasure;
  /** How long after a chat ends the partner may report it: a holder's erasure waits that long. */
  reportWindowMs: number;
  /**
   * And this much more: a report checked in the window's last moment may still be storing (its statements,
   * or another instance's clock a little behind this one's). Longer than a statement may take.
   */
  reportSettleMs: number;
  /** The admin audit log; its client addresses are already network HMACs here. */
  audit: AuditLog;
  signer: IdentitySigner;
  limiter: RateLimiter;
  /** Requests naming a receipt code, per client network and minute. */
  lookupsPerAddressPerMin: number;
  originPolicy: OriginPolicy;
  /** The client network a request comes from, as its HMAC. */
  addressOf: (request: FastifyRequest) => string;
  timezone: string;
  clock: Clock;
  /** The built pages (`my.html`); without them `/my` is not served. */
  webDir: string;
}

/** Why an erasure was made, as the audit log records it for a receipt holder. */
export const SELF_ERASURE_REASON = 'self-service erasure';

// Refusals carry no detail: the catalogue's text, in the asker's language, says it for the public.
/** One answer for an unknown and a malformed code: it says nothing about whether the conversation exists. */
const unknownCode = () => new AppError(ErrorCode.NOT_FOUND);
const crossSite = () => new AppError(ErrorCode.CROSS_SITE_REQUEST);

/** A transcript download that makes no progress for this long is dropped (its page and connection freed). */
const DOWNLOAD_IDLE_MS = 60_000;

const codeParams = z.object({ code: z.string().max(100) });
const readQuery = z.object({
  format: z.enum(['json', 'txt']).default('json'),
  download: z.enum(['0', '1']).optional(),
  lang: z.string().max(16).optional(),
});
/** What a refused query says, by the parameter it got wrong (a long `lang` was told "format must be json or txt"). */
const QUERY_PROBLEM: Record<string, string> = {
  format: 'format must be json or txt',
  download: 'download must be 0 or 1',
  lang: 'lang must be at most 16 characters (zh-CN or en)',
};

/** A top-level navigation (a link followed, a typed address) of a GET, as Fetch Metadata says. */
function isNavigation(request: FastifyRequest): boolean {
  return request.method === 'GET' && request.headers['sec-fetch-mode'] === 'navigate' && request.headers['sec-fetch-dest'] === 'document';
}

export async function registerReceiptRoutes(app: FastifyInstance, options: ReceiptRoutesOptions): Promise<void> {
  const { receipts, erasure, audit, timezone, clock } = options;
  /** A holder's erasure waits this long after the end; the transcript says until when, by the same checks. */
  const erasureWaitMs = options.reportWindowMs + options.reportSettleMs;
  const rule: RateRule = { capacity: options.lookupsPerAddressPerMin, perSecond: options.lookupsPerAddressPerMin / 60 };
  /** Listings per network: several people (a household, a campus) share one. */
  const listingsPerNetwork: RateRule = { capacity: 4 * rule.capacity, perSecond: (4 * rule.capacity) / 60 };

  /** Takes a token, then finds the receipt (throws RATE_LIMITED or NOT_FOUND otherwise). */
  async function holderOf(request: FastifyRequest, reply: FastifyReply): Promise<ReceiptHolder & { code: string }> {
    void reply.header('cache-control', 'no-store').header('x-robots-tag', 'noindex');
    // Before the token: a page of another site (an image tag, say) would spend its visitors' network's budget.
    // A link followed from another site (webmail, notes: a top-level navigation, whose answer that site
    // cannot read) is a person opening their transcript, and is let through.
    if (!isOriginAllowed(request.raw, options.originPolicy) && !isNavigation(request)) throw crossSite();
    const taken = await options.limiter.take(`rc:a:${options.addressOf(request)}`, rule);
    if (!taken.allowed) throw new AppError(ErrorCode.RATE_LIMITED, { retryAfterMs: taken.retryAfterMs });
    const params = codeParams.safeParse(request.params);
    const canonical = params.success ? canonicalCode(params.data.code) : undefined;
    const holder = canonical === undefined ? undefined : await receipts.find(canonical);
    if (!holder || canonical === undefined) throw unknownCode();
    return { ...holder, code: groupForReading(canonical) };
  }

  /**
   * What would stop the holder's erasure now, by the erasure's own checks. A check that fails is logged
   * and said as unknown (nulls): the conversation is still shown, and the erasure checks again anyway.
   */
  async function eraseStateOf(request: FastifyRequest, roomId: number, userId: string): Promise<EraseState> {
    const at = clock.now();
    try {
      return eraseState(await erasure.ownErasureBlock(roomId, userId, at, erasureWaitMs), at, timezone);
    } catch (err) {
      request.log.warn({ err, roomId }, 'what would stop an erasure could not be checked: the transcript says nothing of it');
      return UNKNOWN_ERASE_STATE;
    }
  }

  app.get('/api/receipts/:code', async (request, reply) => {
    const query = readQuery.safeParse(request.query);
    if (!query.success) {
      const field = String(query.error.issues[0]?.path[0] ?? 'format');
      throw new AppError(ErrorCode.INVALID_PAYLOAD, { detail: QUERY_PROBLEM[field] ?? QUERY_PROBLEM['format']! });
    }
    const holder = await holderOf(request, reply);
    // A client that goes away stops the reading. 'close' also fires after a complete response: harmless then.
    const abort = new AbortController();
    reply.raw.once('close', () => abort.abort());
    const txt = query.data.format === 'txt';
    const download = txt || query.data.download === '1';
    // Only the page's view says what would stop an erasure: a file keeps what lasts, and a download needs
    // no check that could fail it.
    const erase = download ? undefined : await eraseStateOf(request, holder.roomId, holder.userId);
    // Read before any byte is sent: an unknown room or a failing first page still gets the error answer.
    // Past the first byte a failing page cuts the response (Fastify destroys it), as the admin export does.
    const transcript = await openTranscript(options.database, holder, timezone, erase, abort.signal);
    if (!transcript) throw unknownCode();
    // Named by when it began (in the zone), to the second: not by the room's number, which would tell how
    // many chats the service had; two chats begun in the same minute still get two names.
    const fileName = `chat-${transcript.head.started_at.slice(0, 19).replace('T', '-').replaceAll(':', '')}`;
    void reply.type(txt ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8');
    if (download) void reply.header('content-disposition', `attachment; filename="${fileName}.${txt ? 'txt' : 'json'}"`);
    // A client that stops reading but keeps its connection is dropped, freeing its page and its connection.
    reply.raw.setTimeout(DOWNLOAD_IDLE_MS, () => reply.raw.destroy());
    const pieces = txt ? transcriptText(transcript, requestLang(request)) : transcriptJson(transcript);
    // Not object mode: the stream buffers by bytes (16 KiB), so the next page is read once the last has drained.
    return reply.send(Readable.from(pieces, { objectMode: false }));
  });

  app.post('/api/receipts/:code/erase', async (request, reply) => {
    // A page of another site must never erase with a code it got hold of, nor make the visitor's browser do it.
    if (!isOriginAllowed(request.raw, options.originPolicy)) throw crossSite();
    const holder = await holderOf(request, reply);
    const at = clock.now();
    // Erased and audited in one transaction: an audit row that cannot be written erases nothing. Nothing left
    // to erase (a second tab, a repeated request) writes no row: anyone with the code could add 30 a minute.
    const outcome = await erasure.eraseOwn(holder.roomId, holder.userId, at, erasureWaitMs, async (tx, erased) => {
      if (erased.messages === 0 && erased.held === 0) return;
      await audit.record(
        {
          action: 'erase_own',
          clientAddress: options.addressOf(request),
          detail: { room_id: holder.roomId, who: holder.userId, why: SELF_ERASURE_REASON, messages: erased.messages },
        },
        tx,
      );
    });
    if (outcome.status === 'not_found') throw unknownCode();
    if (outcome.status === 'active') throw new AppError(ErrorCode.CONFLICT, { detail: 'this conversation is still going on' });
    if (outcome.status === 'report_open') throw new AppError(ErrorCode.REPORT_OPEN);
    if (outcome.status === 'sanction_in_force') throw new AppError(ErrorCode.SANCTION_IN_FORCE);
    if (outcome.status === 'report_window') {
      throw new AppError(ErrorCode.REPORT_WINDOW_OPEN, { retryAfterMs: outcome.erasableAt.getTime() - at.getTime() });
    }
    return { room_id: holder.roomId, erased: outcome.messages, erased_at: formatIso(at, timezone) };
  });

  app.get('/api/my/chats', async (request, reply) => {
    void reply.header('cache-control', 'no-store');
    if (!isOriginAllowed(request.raw, options.originPolicy)) throw crossSite();
    const userId = options.signer.verify(request.cookies[IDENTITY_COOKIE]);
    if (userId === undefined) return { user_id: null, chats: [] };
    // A listing reads up to 100 conversations: limited per identity, and per network (several identities).
    for (const [key, limit] of [
      [`rc:l:${userId}`, rule],
      [`rc:ln:${options.addressOf(request)}`, listingsPerNetwork],
    ] as const) {
      const taken = await options.limiter.take(key, limit);
      if (!taken.allowed) throw new AppError(ErrorCode.RATE_LIMITED, { retryAfterMs: taken.retryAfterMs });
    }
    const chats = await receipts.recentChats(userId);
    return {
      user_id: userId,
      chats: chats.map((c): MyChat => ({
        room_id: c.roomId,
        code: c.code,
        started_at: formatIso(c.createdAt, timezone),
        ended_at: formatIso(c.endedAt, timezone),
        // A block or a ban is not told to the other person (they were told "left"): not here either.
        end_reason: c.endReason === 'blocked' || c.endReason === 'banned' ? 'left' : c.endReason,
        message_count: c.messageCount,
      })),
    };
  });

  if (existsSync(join(options.webDir, 'my.html'))) {
    app.get('/my', async (_request, reply) => reply.sendFile('my.html'));
  }
}
