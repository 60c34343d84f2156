/**
 * How a new chat came about, said under "matched": 你们都喜欢：电影、篮球 (`match_type: 'interests'` with
 * the shared ones), that the stranger is random because nobody shared the person's interests (`random`
 * for someone who joined with some), or that this is a private room. Then, in a private room, the earlier
 * conversation (`room_history`) above everything, marked as earlier. A resumed chat keeps what was said
 * when it began — except after a reload, which lost it: the note is said again then, once. A resumed
 * `matched` carries `match_type` only for a private room, so the note a chat opened with is kept for this
 * tab in sessionStorage (the shared interests, or that they were not shared: the person's interests at the
 * join are not known after a reload).
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

/** The note a chat opened with: enough to say it again after a reload. */
type OpeningNote = { roomId: number } & ({ kind: 'interests'; common: string[] } | { kind: 'random' } | { kind: 'private' });
const STORAGE_KEY = 'matchNote';

function keep(note: OpeningNote | null): void {
  try {
    if (note === null) sessionStorage.removeItem(STORAGE_KEY);
    else sessionStorage.setItem(STORAGE_KEY, JSON.stringify(note));
  } catch {
    // Storage blocked: a reload then says no note, as before.
  }
}

function kept(roomId: number): OpeningNote | null {
  try {
    const note = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null') as OpeningNote | null;
    if (note === null || note.roomId !== roomId) return null;
    // Written by this page, but storage is the browser's: a shape it does not know is no note.
    if (note.kind === 'interests') return Array.isArray(note.common) && note.common.every((c) => typeof c === 'string') ? note : null;
    return note.kind === 'random' || note.kind === 'private' ? note : null;
  } catch {
    return null;
  }
}

export function attachMatchNotes(client: ChatClient, messages: MessageList, state: MatchNotesState): void {
  // The opening note last shown, and its element: a resume after a mere drop finds it still in the list (a
  // reopened chat has cleared the list, and so taken it out of the document).
  let shownNote: { roomId: number; text: HTMLElement } | null = null;
  const say = (note: OpeningNote): void => {
    messages.addNote((text) => {
      if (note.kind === 'interests') showInterestText(text, 'commonInterests', note.common);
      else if (note.kind === 'random') showInterestText(text, 'randomNoShared');
      else showPrivateText(text, 'privateMatched');
      shownNote = { roomId: note.roomId, text };
    });
  };

  // Registered after the chat flow's own listener: the chat is open (and "matched" said) by now.
  client.on('matched', ({ room_id: roomId, resumed, match_type: matchType, common_interests: common }) => {
    if (state.roomId() !== roomId) return;
    if (resumed) {
      if (shownNote?.roomId === roomId && shownNote.text.isConnected) return;
      const note = kept(roomId) ?? (matchType === 'private' ? { roomId, kind: 'private' as const } : null);
      if (note !== null) say(note);
      return;
    }
    let note: OpeningNote | null = null;
    if (matchType === 'interests' && common && common.length > 0) note = { roomId, kind: 'interests', common };
    else if (matchType === 'random' && state.joinedWith().length > 0) note = { roomId, kind: 'random' };
    else if (matchType === 'private') note = { roomId, kind: 'private' };
    keep(note);
    if (note !== null) say(note);
  });
  client.on('room_history', ({ room_id: roomId, messages: earlier }) => {
    if (state.roomId() !== roomId) return;
    const me = state.myId();
    // Read before, maybe hundreds of messages: inserted without being read out one by one.
    if (earlier.length > 0) messages.quiet();
    for (const message of earlier) messages.addEarlier(message, message.sender_id === me, (text) => showPrivateText(text, 'earlierDivider'));
  });
}
