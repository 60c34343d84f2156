/**
 * The JSON export in the original's shape — `[{id, user1_id, user2_id, created_at, is_active,
 * messages: [{id, room_id, sender_id, content, timestamp}]}]`, times ISO 8601 with the zone's offset — and
 * NDJSON, one such room per line. Written piece by piece, so a room's messages may span several pages.
 * An erased message keeps its place with an empty `content` and `erased_at`/`erased_by`; with pseudonyms,
 * user IDs are replaced (pseudonyms.ts).
 */
import { formatIso } from '../shared/time.js';
import type { ExportChunk } from './export-source.js';
import { keepIds, type Pseudonymize } from './pseudonyms.js';
import type { MessageRow, RoomRow } from '../storage/rows.js';

export type JsonExportFormat = 'json' | 'ndjson';

/** JSON (or NDJSON) bytes, one piece per database page. */
export async function* jsonExport(
  pages: AsyncIterable<ExportChunk[]>,
  timezone: string,
  format: JsonExportFormat,
  pseudonym: Pseudonymize = keepIds,
): AsyncGenerator<Buffer> {
  const ndjson = format === 'ndjson';
  let roomsWritten = 0;
  if (!ndjson) yield Buffer.from('[');
  for await (const chunks of pages) {
    let text = '';
    for (const chunk of chunks) {
      if (chunk.first) {
        // JSON separates rooms with commas; NDJSON ends every room with a newline instead.
        if (!ndjson && roomsWritten > 0) text += ',';
        text += roomOpening(chunk.room, timezone, pseudonym);
      }
      text += chunk.messages.map((m, i) => (i > 0 || !chunk.first ? ',' : '') + messageJson(m, timezone, pseudonym)).join('');
      if (chunk.last) {
        text += ndjson ? ']}\n' : ']}';
        roomsWritten++;
      }
    }
    if (text) yield Buffer.from(text, 'utf8');
  }
  if (!ndjson) yield Buffer.from(']\n');
}

/** `{"id":…,"is_active":…,"messages":[` — the room without its closing brackets. */
function roomOpening(room: RoomRow, timezone: string, pseudonym: Pseudonymize): string {
  const head = JSON.stringify({
    id: room.id,
    user1_id: pseudonym(room.user1_id),
    user2_id: pseudonym(room.user2_id),
    created_at: formatIso(room.created_at, timezone),
    is_active: room.is_active,
  });
  return `${head.slice(0, -1)},"messages":[`;
}

function messageJson(m: MessageRow, timezone: string, pseudonym: Pseudonymize): string {
  return JSON.stringify({
    id: m.id,
    room_id: m.room_id,
    sender_id: pseudonym(m.sender_id),
    content: m.erased_at ? '' : m.content,
    timestamp: formatIso(m.created_at, timezone),
    ...(m.erased_at ? { erased_at: formatIso(m.erased_at, timezone), erased_by: m.erased_by } : {}),
  });
}
