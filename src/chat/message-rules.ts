import { AppError, ErrorCode } from '../errors.js';
import { MAX_MESSAGE_CHARS, codePointLength, isBlankText } from '../shared/limits.js';
import type { ChatMessage } from '../shared/protocol.js';
import { formatIso } from '../shared/time.js';
import type { StoredMessage } from '../storage/chat-repository.js';

/** Refuses content that shows nothing (blank or invisible characters only) and over-long content. Content itself is kept verbatim. */
export function checkContent(content: string): void {
  if (isBlankText(content)) throw new AppError(ErrorCode.EMPTY_MESSAGE);
  // A string longer than twice the limit in UTF-16 units cannot fit; skip counting it.
  if (content.length > MAX_MESSAGE_CHARS * 2 || codePointLength(content) > MAX_MESSAGE_CHARS) {
    throw new AppError(ErrorCode.MESSAGE_TOO_LONG);
  }
}

/** The wire shape of a stored message, its time in the configured zone. */
export function toWireMessage(message: StoredMessage, timezone: string): ChatMessage {
  const wire: ChatMessage = {
    id: message.id,
    room_id: message.roomId,
    sender_id: message.senderId,
    content: message.content,
    timestamp: formatIso(message.createdAt, timezone),
  };
  if (message.cid !== null) wire.cid = message.cid;
  return wire;
}
