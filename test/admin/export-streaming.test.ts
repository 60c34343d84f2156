/**
 * Exports are streamed from the database over real HTTP: the download starts at once, memory stays flat
 * however big the export, a slow reader holds the database reading back, and a client that goes away
 * stops it.
 */
import { get as httpGet } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/client.js';
import { ENGINES } from './engines.js';
import { httpLogin, startAdminApp, startBareAdmin, type AdminTestApp } from './helpers.js';

const ROOMS = 400;
const MESSAGES_PER_ROOM = 50;
/** 20,000 messages of 500 CJK characters: about 32 MB of CSV. */
const MESSAGE_COUNT = ROOMS * MESSAGES_PER_ROOM;
const MESSAGE_PAGE = /FROM messages\s+WHERE room_id = ANY/;

// A forced collection before measuring makes the heap figures about live data, not garbage.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

async function seed(server: Pick<AdminTestApp, 'database'>): Promise<void> {
  await server.database.query(
    `INSERT INTO chat_rooms (user1_id, user2_id, created_at, is_active, ended_at, end_reason)
     SELECT 'streamu' || g, 'streamv' || g, now() - interval '1 day' + g * interval '1 minute', false, now(), 'left'
     FROM generate_series(1, ${ROOMS}) AS g`,
  );
  await server.database.query(
    `INSERT INTO messages (room_id, sender_id, content, created_at)
     SELECT r.id, r.user1_id, repeat('汉', 500), r.created_at + m * interval '1 second'
     FROM chat_rooms r, generate_series(1, ${MESSAGES_PER_ROOM}) AS m`,
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A plain HTTP download that reads its first chunk, then either hangs up or stalls without reading on. */
interface StalledDownload {
  hangUp(): void;
  /** Reads on to the end; `complete` is false when the server cut the response short. */
  resume(): Promise<{ complete: boolean }>;
}

function readFirstChunk(url: string, cookie: string): Promise<StalledDownload> {
  return new Promise((resolve, reject) => {
    const request = httpGet(url, { headers: { cookie }, agent: false }, (response) => {
      const ended = new Promise<{ complete: boolean }>((done) => response.once('close', () => done({ complete: response.complete })));
      response.once('data', () => {
        response.pause();
        resolve({
          hangUp: () => request.destroy(),
          resume: () => {
            response.on('data', () => undefined).resume();
            return ended;
          },
        });
      });
    });
    request.once('error', reject);
  });
}

describe.each(ENGINES)('streamed export over HTTP (%s)', (engine) => {
  let server: AdminTestApp;
  let cookie: string;
  /** Message pages a complete export reads. */
  let pagesPerExport = 0;
  const exportUrl = () => `${server.url}/admin/export.csv`;

  beforeAll(async () => {
    server = await startAdminApp({ engine });
    await seed(server);
    cookie = await httpLogin(server.url);
  }, 120_000);
  afterAll(async () => server?.close());

  it('starts the download at once and keeps the heap flat for an export far bigger than the bound', { timeout: 120_000 }, async () => {
    collectGarbage();
    const baseline = process.memoryUsage().heapUsed;
    const pagesBefore = server.queries.count(MESSAGE_PAGE);
    const response = await fetch(exportUrl(), { headers: { cookie } });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    let bytes = 0;
    let chunks = 0;
    let rows = 0;
    let pagesAtFirstChunk = -1;
    let liveHeapPeak = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (pagesAtFirstChunk < 0) pagesAtFirstChunk = server.queries.count(MESSAGE_PAGE) - pagesBefore;
      bytes += value.byteLength;
      for (const byte of value) if (byte === 0x0a) rows++;
      // What stays alive mid-download (after a collection) is what would grow with a buffered export.
      if (++chunks % 25 === 0) {
        collectGarbage();
        liveHeapPeak = Math.max(liveHeapPeak, process.memoryUsage().heapUsed - baseline);
      }
    }
    pagesPerExport = server.queries.count(MESSAGE_PAGE) - pagesBefore;
    console.info(`[${engine}] export: ${(bytes / 1e6).toFixed(1)} MB in ${chunks} chunks, ${pagesPerExport} message pages, live heap growth ≤ ${(liveHeapPeak / 1e6).toFixed(1)} MB`);
    expect(rows).toBe(MESSAGE_COUNT + 1);
    expect(bytes).toBeGreaterThan(30_000_000);
    expect(pagesPerExport).toBeGreaterThan(2);
    // The first bytes left before the database had been read to the end.
    expect(pagesAtFirstChunk).toBeLessThan(pagesPerExport);
    expect(chunks).toBeGreaterThan(pagesPerExport);
    // A buffered export would keep all ~32 MB (more as JS strings) alive until the end.
    expect(liveHeapPeak).toBeLessThan(12_000_000);
  });

  it('reads the database only as fast as a slow client downloads', { timeout: 60_000 }, async () => {
    const pagesBefore = server.queries.count(MESSAGE_PAGE);
    const response = await fetch(exportUrl(), { headers: { cookie } });
    const reader = response.body!.getReader();
    await reader.read();
    await sleep(1_000);
    const pagesWhilePaused = server.queries.count(MESSAGE_PAGE) - pagesBefore;
    while (!(await reader.read()).done);
    expect(pagesWhilePaused).toBeLessThan(pagesPerExport / 2);
    expect(server.queries.count(MESSAGE_PAGE) - pagesBefore).toBe(pagesPerExport);
  });

  it('stops reading the database when the client goes away, and keeps serving', { timeout: 60_000 }, async () => {
    const pagesBefore = server.queries.count(MESSAGE_PAGE);
    const download = await readFirstChunk(exportUrl(), cookie);
    download.hangUp();
    // Once the server notices, the count stops moving, well short of a whole export.
    let last = -1;
    await eventually(
      async () => {
        const now = server.queries.count(MESSAGE_PAGE);
        const settled = now === last;
        last = now;
        if (!settled) throw new Error('still reading');
      },
      10_000,
      300,
    );
    expect(last - pagesBefore).toBeLessThan(pagesPerExport / 2);
    const stats = await fetch(`${server.url}/admin/api/stats`, { headers: { cookie } });
    expect(stats.status).toBe(200);
    expect((await stats.json()).total_messages).toBe(MESSAGE_COUNT);
  });
});

describe('a stalled download', () => {
  async function listeningBareAdmin(idleMs: number) {
    const admin = await startBareAdmin({ tuning: { exportIdleTimeoutMs: idleMs } });
    await seed({ database: admin.database });
    const address = await admin.fastify.listen({ port: 0, host: '127.0.0.1' });
    return { admin, url: address, cookie: await httpLogin(address) };
  }

  it('does not hold the admin plugin open at shutdown', { timeout: 60_000 }, async () => {
    const { admin, url, cookie } = await listeningBareAdmin(120_000);
    try {
      await readFirstChunk(`${url}/admin/export.csv`, cookie); // never reads on, never hangs up
      const started = Date.now();
      await admin.fastify.close();
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await admin.close();
    }
  });

  it('is dropped after its idle timeout', { timeout: 60_000 }, async () => {
    const { admin, url, cookie } = await listeningBareAdmin(500);
    try {
      const download = await readFirstChunk(`${url}/admin/export.csv`, cookie);
      await sleep(1_500);
      expect(await download.resume()).toEqual({ complete: false });
    } finally {
      await admin.close();
    }
  });
});
