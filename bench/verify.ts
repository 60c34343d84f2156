/**
 * The database check after a `messages` run: every message is looked up by its cid in the `messages` table
 * and compared with what the generator saw (ack, partner receipt).
 */
import type { Database } from '../src/storage/database.js';
import { ACK_NONE, ACK_OK, parseCid } from './worker-protocol.js';

/** Rows read per query, so memory stays bounded whatever the run's size. */
const PAGE_ROWS = 50_000;

/** What the generator recorded for one step of one worker. */
export interface StepRecord {
  step: number;
  worker: number;
  ack: Uint8Array;
  received: Uint8Array;
}

export interface StepVerification {
  step: number;
  /** Messages of the step found in the table. */
  stored: number;
  /** Acked ok, not in the table. Must be 0. */
  lost: number;
  /** In the table more than once. Must be 0. */
  storedTwice: number;
  /** Received by the partner, not in the table. Must be 0. */
  deliveredNotStored: number;
  /** Acked with an error, yet stored. Must be 0. */
  refusedButStored: number;
  /** Never acked (drain timed out), stored anyway: not an error by itself. */
  unansweredButStored: number;
}

export interface Verification {
  steps: StepVerification[];
  /** Rows whose cid is not one of ours. */
  foreignRows: number;
  ok: boolean;
}

export async function verifyMessages(database: Database, records: readonly StepRecord[]): Promise<Verification> {
  const byKey = new Map<string, { record: StepRecord; stored: Uint8Array }>();
  for (const record of records) byKey.set(`${record.worker}.${record.step}`, { record, stored: new Uint8Array(record.ack.length) });
  let foreignRows = 0;
  let lastId = 0;
  for (;;) {
    const rows = await database.query<{ id: string | number; cid: string | null }>(
      'SELECT id, cid FROM messages WHERE id > $1 ORDER BY id LIMIT $2',
      [lastId, PAGE_ROWS],
    );
    for (const row of rows) {
      const id = row.cid ? parseCid(row.cid) : undefined;
      const entry = id && byKey.get(`${id.worker}.${id.step}`);
      if (!id || !entry || id.seq >= entry.stored.length) {
        foreignRows++;
        continue;
      }
      if (entry.stored[id.seq]! < 255) entry.stored[id.seq]!++;
    }
    if (rows.length < PAGE_ROWS) break;
    lastId = Number(rows[rows.length - 1]!.id);
  }

  const steps = new Map<number, StepVerification>();
  for (const { record, stored } of byKey.values()) {
    const v = steps.get(record.step) ?? { step: record.step, stored: 0, lost: 0, storedTwice: 0, deliveredNotStored: 0, refusedButStored: 0, unansweredButStored: 0 };
    for (let i = 0; i < stored.length; i++) {
      const s = stored[i]!;
      const a = record.ack[i]!;
      if (s > 0) v.stored++;
      if (s > 1) v.storedTwice++;
      if (a === ACK_OK && s === 0) v.lost++;
      if (record.received[i]! > 0 && s === 0) v.deliveredNotStored++;
      if (a > ACK_OK && s > 0) v.refusedButStored++;
      if (a === ACK_NONE && s > 0) v.unansweredButStored++;
    }
    steps.set(record.step, v);
  }
  const list = [...steps.values()].sort((a, b) => a.step - b.step);
  const ok = list.every((v) => v.lost === 0 && v.storedTwice === 0 && v.deliveredNotStored === 0 && v.refusedButStored === 0);
  return { steps: list, foreignRows, ok };
}
