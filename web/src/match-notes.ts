/**
 * How a new chat came about, said under "matched": 你们都喜欢：电影、篮球 (`match_type: 'interests'` with
 * the shared ones), that the stranger is random because nobody shared the person's interests (`random`
 * for someone who joined with some), or that this is a private room. Then, in a private room, the earlier
 * conversation (`room_history`) above everything, marked as earlier. A resumed chat keeps what was said
 * when it began — except after a reload, which lost it: a private room's note (the one a resumed `matched`
 * still carries) is said again then, once.
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
  // The private note last shown, and its chat: a resume after a mere drop finds it still in the list (a
  // reopened chat has cleared the list, and so taken it out of the document).
  let privateNote: { roomId: number; text: HTMLElement } | null = null;
  const notePrivate = (roomId: number): void => {
    messages.addNote((text) => {
      showPrivateText(text, 'privateMatched');
      privateNote = { roomId, text };
    });
  };

  // Registered after the chat flow's own listener: the chat is open (and "matched" said) by now.
  client.on('matched', ({ room_id: roomId, resumed, match_type: matchType, common_interests: common }) => {
    if (state.roomId() !== roomId) return;
    if (resumed) {
      const shown = privateNote?.roomId === roomId && privateNote.text.isConnected;
      if (matchType === 'private' && !shown) notePrivate(roomId);
      return;
    }
    if (matchType === 'interests' && common && common.length > 0) {
      messages.addNote((text) => showInterestText(text, 'commonInterests', common));
    } else if (matchType === 'random' && state.joinedWith().length > 0) {
      messages.addNote((text) => showInterestText(text, 'randomNoShared'));
    } else if (matchType === 'private') {
      notePrivate(roomId);
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
