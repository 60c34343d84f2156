/**
 * Times on /my, as the server wrote them. When a conversation began, as /my names it (its title, its erase
 * confirmation, the recent chats list): `6 月 5 日 14:02:31` / `5 June, 14:02:31`. To the second: two chats
 * begun in the same minute (Next pressed quickly) still get two names. Not its room's number: ids are
 * sequential, and "chat #20" tells how many chats the service has had. The digits are read from the ISO
 * string as the server wrote it — the chat's zone, as every other time on the page — not converted to the
 * browser's.
 */
import type { Lang } from '../../shared/translator.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const ISO = /^\d{4}-(\d{2})-(\d{2})T(\d{2}:\d{2}:\d{2})/;

export function chatWhen(iso: string, lang: Lang): string {
  const match = ISO.exec(iso);
  if (!match) return iso;
  const [, month = '', day = '', clock = ''] = match;
  return lang === 'en' ? `${Number(day)} ${MONTHS[Number(month) - 1] ?? month}, ${clock}` : `${Number(month)} 月 ${Number(day)} 日 ${clock}`;
}

/** `2026-01-03T16:14:38+08:00` → `2026-01-03 16:14:38`: the server already wrote the configured zone's clock. */
export const plainTime = (iso: string) => iso.slice(0, 19).replace('T', ' ');
