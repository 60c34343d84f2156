/**
 * How a new chat came about, said under "matched": 你们都喜欢：电影、篮球 (`match_type: 'interests'` with
 * the shared ones), that the stranger is random because nobody shared the person's interests (`random`
 * for someone who joined with some), or that this is a private room. Then, in a private room, the earlier
 * conversation (`room_history`) above everything, marked as earlier. Nothing for a resumed chat (it was
 * said when it began).
 */
import type { ChatClient } from './chat-client.js';
import { showInterestText } from './interest-texts.js';
import type { MessageList } from './message-list.js';
import { showPrivateText } from './private-texts.js';

export interface MatchNotesState {
  /** The user's ID (from `session`), to tell own messages in the history. */
  myId(): string | null;
  /** The chat on screen, if any. */
  roomId(): number | null;
  /** The interests the person last joined with. */
  joinedWith(): readonly string[];
}

export function attachMatchNotes(client: ChatClient, messages: MessageList, state: MatchNotesState): void {
  // Registered after the chat flow's own listener: the chat is open (and "matched" said) by now.
  client.on('matched', ({ room_id: roomId, resumed, match_type: matchType, common_interests: common }) => {
    if (resumed || state.roomId() !== roomId) return;
    if (matchType === 'interests' && common && common.length > 0) {
      messages.addNote((text) => showInterestText(text, 'commonInterests', common));
    } else if (matchType === 'random' && state.joinedWith().length > 0) {
      messages.addNote((text) => showInterestText(text, 'randomNoShared'));
    } else if (matchType === 'private') {
      messages.addNote((text) => showPrivateText(text, 'privateMatched'));
    }
  });

  client.on('room_history', ({ room_id: roomId, messages: earlier }) => {
    if (state.roomId() !== roomId) return;
    const me = state.myId();
    // Read before, maybe hundreds of messages: inserted without being read out one by one.
    if (earlier.length > 0) messages.quiet();
    for (const message of earlier) messages.addEarlier(message, message.sender_id === me, (text) => showPrivateText(text, 'earlierDivider'));
  });
}
