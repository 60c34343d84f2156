/**
 * The conversation on screen as a file the person keeps: plain text, or a small stand-alone web page.
 * Built here from the messages shown — nothing is asked of the server. Times are the chat's zone as the
 * server wrote them (`2026-01-03T16:14:38+08:00` reads 2026-01-03 16:14:38, "UTC+08:00"), whatever the
 * device's own zone; the file is named after when the conversation began: 匿名聊天-20260103-1614.txt.
 */
import { indentLineBreaks } from '../../src/shared/line-breaks.js';
import type { ChatMessage } from '../../src/shared/protocol.js';
import { zoneOffset } from './format-time.js';

export interface TranscriptEntry {
  message: ChatMessage;
  own: boolean;
}

/** The words a transcript uses, in the page's language. */
export interface TranscriptLabels {
  lang: string;
  title: string;
  /** "时间：{zone}" with the zone filled in. */
  zoneLine: string;
  /**
   * "回执码: {code}（在 /my 查看或删除你的消息）", when the chat has ended and its receipt came: the file keeps the
   * way to erase one's messages (as /my's own downloads do). Absent during the chat: no receipt yet.
   */
  receiptLine?: string;
  me: string;
  stranger: string;
  /** Between a name and its text: "：" in Chinese, ": " in English. */
  separator: string;
}

const STAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/** `2026-01-03 16:14:38` of an ISO 8601 timestamp, as written. */
export function stampOf(timestamp: string): string {
  const m = STAMP.exec(timestamp);
  return m ? `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}` : timestamp;
}

/** The zone a timestamp is written in: `UTC+08:00` (or `UTC`), empty when it says none. */
export function zoneOf(timestamp: string | undefined): string {
  return timestamp !== undefined && STAMP.test(timestamp) ? (zoneOffset(timestamp)?.label ?? '') : '';
}

/** `匿名聊天-20260103-1614.txt`: the prefix, and when the first message was written. */
export function transcriptFileName(prefix: string, entries: readonly TranscriptEntry[], extension: 'txt' | 'html'): string {
  const m = entries[0] ? STAMP.exec(entries[0].message.timestamp) : null;
  const when = m ? `-${m[1]}${m[2]}${m[3]}-${m[4]}${m[5]}` : '';
  return `${prefix}${when}.${extension}`;
}

/** UTF-8 text with a byte-order mark (so that older Windows editors read the Chinese right). */
export function transcriptText(entries: readonly TranscriptEntry[], labels: TranscriptLabels): string {
  const lines = [labels.title, ...(labels.receiptLine ? [labels.receiptLine] : []), labels.zoneLine, ''];
  for (const { message, own } of entries) {
    // Continuation lines are indented, so each message still starts with its time.
    const text = indentLineBreaks(message.content, '    ');
    lines.push(`[${stampOf(message.timestamp)}] ${own ? labels.me : labels.stranger}${labels.separator}${text}`);
  }
  return `\ufeff${lines.join('\n')}\n`;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/** A stand-alone page: no script, no external resource, readable light or dark. */
export function transcriptHtml(entries: readonly TranscriptEntry[], labels: TranscriptLabels): string {
  const items = entries
    .map(({ message, own }) => {
      const who = escapeHtml(own ? labels.me : labels.stranger);
      return `<li class="${own ? 'own' : 'partner'}"><p class="meta"><b>${who}</b> <time datetime="${escapeHtml(message.timestamp)}">${escapeHtml(stampOf(message.timestamp))}</time></p><p class="text" dir="auto">${escapeHtml(message.content)}</p></li>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="${escapeHtml(labels.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(labels.title)}</title>
<style>
body{margin:0 auto;max-width:720px;padding:24px 16px;font-family:system-ui,-apple-system,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif;line-height:1.5;color:#1f2933;background:#fff}
h1{font-size:20px;margin:0 0 4px}.zone{margin:0 0 20px;color:#5f6b78}
ol{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:10px}
li{max-width:80%;padding:8px 12px;border-radius:14px;background:#eef0f3}
li.own{align-self:flex-end;background:#e3f4f2}
.meta{margin:0;font-size:12px;color:#5f6b78}.text{margin:2px 0 0;white-space:pre-wrap;overflow-wrap:anywhere}
@media (prefers-color-scheme:dark){body{color:#e6eaef;background:#1a2029}.zone,.meta{color:#a3adb9}li{background:#2a3340}li.own{background:#123b37}}
</style>
</head>
<body>
<h1>${escapeHtml(labels.title)}</h1>
${labels.receiptLine ? `<p class="zone">${escapeHtml(labels.receiptLine)}</p>\n` : ''}<p class="zone">${escapeHtml(labels.zoneLine)}</p>
<ol>
${items}
</ol>
</body>
</html>
`;
}
