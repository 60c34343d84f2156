/**
 * "Stranger is typing": `typing {typing}` from one side of a chat reaches the other as
 * `partner_typing {typing}`, and nobody else.
 *
 * The partner is the server's to know: the event goes to the conversation's delivery group the server put
 * this connection in when it matched it (a Socket.IO room, `chat:<id>`, that no client can name or join),
 * minus the sender. So it costs what a chat message's delivery costs — one emit, through the cluster
 * adapter when the partner is on another instance — and no database or Redis look-up of its own. Outside
 * a chat (waiting, after the end, while the partner's connection is away) there is nobody to tell.
 *
 * Each connection has a small budget of typing events (a token bucket in `socket.data`, no shared store):
 * a page sends about one a second at most, a script flooding it is refused.
 */
import type { Clock } from '../clock.js';
import type { ChatNotifier } from '../chat/notifier.js';
import { AppError, ErrorCode } from '../errors.js';
import type { TypingPayload } from '../shared/protocol.js';
import { conversationOf } from './socket-notifier.js';
import type { ChatSocket } from './types.js';

/** Typing events a connection may send at once. */
export const TYPING_BURST = 5;
/** Typing events a connection earns back per second, sustained (a page sends at most about one). */
export const TYPING_PER_S = 1;

export class TypingRelay {
  constructor(
    private readonly notifier: Pick<ChatNotifier, 'toConversationExcept'>,
    private readonly clock: Clock,
  ) {}

  /**
   * Tells the partner of the connection's chat. NOT_IN_CHAT when it is in none; RATE_LIMITED (with when to
   * try again) over the connection's budget.
   */
  relay(socket: ChatSocket, payload: TypingPayload): object {
    const roomId = conversationOf(socket.rooms);
    if (roomId === undefined) throw new AppError(ErrorCode.NOT_IN_CHAT);
    this.spend(socket);
    this.notifier.toConversationExcept(roomId, [socket.id], 'partner_typing', { typing: payload.typing });
    return {};
  }

  /** Takes one token from the connection's bucket (refilled at TYPING_PER_S up to TYPING_BURST). */
  private spend(socket: ChatSocket): void {
    const nowMs = this.clock.now().getTime();
    const budget = socket.data.typingBudget ?? { tokens: TYPING_BURST, atMs: nowMs };
    const tokens = Math.min(TYPING_BURST, budget.tokens + ((nowMs - budget.atMs) / 1_000) * TYPING_PER_S);
    if (tokens < 1) {
      socket.data.typingBudget = { tokens, atMs: nowMs };
      throw new AppError(ErrorCode.RATE_LIMITED, { retryAfterMs: Math.ceil(((1 - tokens) / TYPING_PER_S) * 1_000) });
    }
    socket.data.typingBudget = { tokens: tokens - 1, atMs: nowMs };
  }
}

/**
 * A best-effort signal's listener: sent without an ack, a refusal (invalid, not in a chat, over the
 * budget) is dropped rather than answered with the `error` event the page would show; with an ack it is
 * answered as any event is.
 */
export function quietly<L extends (this: ChatSocket, ...args: unknown[]) => void>(listener: L): (this: ChatSocket, ...args: unknown[]) => void {
  return function quietListener(this: ChatSocket, ...args: unknown[]): void {
    if (typeof args[args.length - 1] !== 'function') args.push(() => undefined);
    listener.apply(this, args);
  };
}
