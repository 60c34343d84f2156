/**
 * The CSV export in the original's columns, made for Excel: UTF-8 with a BOM, CRLF records, every field
 * quoted (RFC 4180, so commas, quotes and newlines in messages survive), formula-like cells neutralised
 * with a leading apostrophe (also behind leading blanks or invisible characters), times as
 * `YYYY-MM-DD HH:mm:ss` in the configured zone. An erased message keeps its row, with a marker (who
 * erased it and when) where its text was; with pseudonyms, user IDs are replaced (pseudonyms.ts).
 */
import { stringify } from 'csv-stringify/sync';
import { formatPlain } from '../shared/time.js';
import type { ExportChunk } from './export-source.js';
import { keepIds, type Pseudonymize } from './pseudonyms.js';
import type { MessageRow } from '../storage/rows.js';

export const CSV_HEADER = ['房间ID', '用户1', '用户2', '发送者ID', '消息内容', '发送时间', '房间状态'] as const;
const STATUS_ACTIVE = '活跃';
const STATUS_ENDED = '已结束';

/**
 * A formula character after leading blanks or invisible characters (spaces, tabs, line breaks, NBSP,
 * U+3000, zero-width spaces and joiners, the BOM, direction marks, control characters, blank look-alikes):
 * Excel and LibreOffice skip those and still read a formula.
 */
const HIDDEN_FORMULA = /^[\p{White_Space}\p{Cc}\p{Cf}\u034F\u115F\u1160\u2800\u3164\uFFA0]+[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/u;

/** The same apostrophe csv-stringify puts before a leading formula character, for the hidden ones. */
function neutraliseHiddenFormula(cell: string): string {
  return HIDDEN_FORMULA.test(cell) ? `'${cell}` : cell;
}

const CSV_OPTIONS = {
  quoted: true,
  quoted_empty: true,
  record_delimiter: 'windows',
  // csv-stringify prefixes `'` to cells starting with = + - @ TAB CR (and their full-width forms); it
  // looks at the first character only, so cells hiding one behind blanks are prefixed first.
  escape_formulas: true,
  cast: { string: neutraliseHiddenFormula },
} as const;

/** The cell of an erased message: what happened, by whom and when — never the text, which is gone. */
export function erasedMarker(m: Pick<MessageRow, 'erased_at' | 'erased_by'>, timezone: string): string {
  const by = m.erased_by === 'admin' ? '管理员 admin' : '发送者 sender';
  return `〔已删除 erased · ${by} · ${m.erased_at ? formatPlain(m.erased_at, timezone) : ''}〕`;
}

/** CSV bytes, one piece per database page: the consumer's pace decides when the next page is read. */
export async function* csvExport(pages: AsyncIterable<ExportChunk[]>, timezone: string, pseudonym: Pseudonymize = keepIds): AsyncGenerator<Buffer> {
  yield Buffer.from('\uFEFF' + stringify([CSV_HEADER as unknown as string[]], CSV_OPTIONS), 'utf8');
  for await (const chunks of pages) {
    const records = chunks.flatMap((chunk) => chunkRecords(chunk, timezone, pseudonym));
    if (records.length > 0) yield Buffer.from(stringify(records, CSV_OPTIONS), 'utf8');
  }
}

/** One record per message; a room without messages still gets one record with empty message cells. */
function chunkRecords(chunk: ExportChunk, timezone: string, pseudonym: Pseudonymize): string[][] {
  const { room } = chunk;
  const status = room.is_active ? STATUS_ACTIVE : STATUS_ENDED;
  const roomCells = [String(room.id), pseudonym(room.user1_id), pseudonym(room.user2_id)];
  if (chunk.messages.length === 0) return chunk.first && chunk.last ? [[...roomCells, '', '', '', status]] : [];
  return chunk.messages.map((m) => [
    ...roomCells,
    pseudonym(m.sender_id),
    m.erased_at ? erasedMarker(m, timezone) : m.content,
    formatPlain(m.created_at, timezone),
    status,
  ]);
}
