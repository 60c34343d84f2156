/**
 * Where the chat page is, as one object: the flow (chat-flow.ts) owns it and hands it to its parts — the
 * flow and its screens (chat-screens.ts) change it, the comeback (chat-comeback.ts) only reads it.
 * One object rather than each part's own copy, so no part can believe the page is somewhere it is not.
 */
import type { Restrictions } from './sanction-notices.js';

export interface FlowState {
  phase: 'start' | 'waiting' | 'chat';
  /** The chat on screen (null: none). */
  roomId: number | null;
  /** The chat on screen is still going on (false once it has ended). */
  chatLive: boolean;
  /** The current connection carries the chat (false from a drop until the server resumes it). */
  linked: boolean;
  /** What sanctions forbid now. */
  restrictions: Restrictions;
  /** The person confirmed leaving: the server's `left_room` ends the chat on screen (it is not a block). */
  leaving: boolean;
  /**
   * The highest id of the chat's messages that came as `new_message` (live or replayed): where a resume
   * starts. Not the acks of one's own messages: with several instances the partner's message 9 can come
   * after the ack of one's own 10, and a resume after 10 would never show 9. One's own messages replayed
   * again are shown once (the list keeps one message per id).
   */
  lastReceived: number;
}

/** The start screen, nothing under way. */
export function initialFlowState(): FlowState {
  return {
    phase: 'start',
    roomId: null,
    chatLive: false,
    linked: false,
    restrictions: { banned: false, muted: false },
    leaving: false,
    lastReceived: 0,
  };
}
