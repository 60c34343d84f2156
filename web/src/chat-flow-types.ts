/**
 * What the chat page's flow (chat-flow.ts) is given — the views it shows and tells — and what it offers
 * the page (main.ts): its contract, apart from how it does it.
 */
import type { Composer } from './composer.js';
import type { KeptEndedChat } from './ended-keeper.js';
import type { JoinViews } from './join-path.js';
import type { MessageList } from './message-list.js';
import type { NextCycle } from './next-cycle.js';
import type { PrivateKeyViews } from './private-rejoin.js';
import type { ChatState } from './safety-actions.js';
import type { Restrictions } from './sanction-notices.js';
import type { Screens } from './screens.js';
import type { Toast } from './toast.js';
import type { TypingIndicator } from './typing-indicator.js';
import type { TypingSignal } from './typing-signal.js';

/** What the flow shows and tells; what joining needs (JoinViews) and the private room's key (PrivateKeyViews) too. */
export interface ChatFlowViews extends JoinViews, PrivateKeyViews {
  screens: Screens;
  messages: MessageList;
  composer: Composer;
  toast: Toast;
  myId: HTMLElement;
  waitingCount: HTMLElement;
  /** Shown once the conversation has ended, with the new-chat button. */
  endedBar: HTMLElement;
  /**
   * The ended bar's note ("the chat has ended"): the focus goes there when the chat ends while it is in the
   * input bar — not to New, which the next Space or Enter of a sentence being typed would press.
   */
  endedNote: HTMLElement;
  /**
   * Runs a change of the chat screen that may hide what has the focus (the end of a chat hides the header's
   * Keep in touch, Save, Report and Block): if it did, the focus goes to the ended note, not to the page's body.
   */
  keepingFocus(change: () => void): void;
  /** The Next button: Leave → Really? while chatting, New once the chat has ended. */
  next: NextCycle;
  /** Tells the partner when this person types. */
  typing: TypingSignal;
  /** Shows when the partner types. */
  typingIndicator: TypingIndicator;
  /** The partner wrote, or a match came: counted in the title while the page is hidden. */
  arrived(): void;
  /** The chat on screen changed (null: none), for Report and Block. */
  chatChanged(state: ChatState | null): void;
  /** A new wait begins: what the waiting screen showed for the previous one goes. */
  waitingShown(): void;
  /**
   * The server ended the chat of `roomId` for this person's block (`left_room {reason: 'blocked'}`, which may
   * come before the block's answer, or end a chat the two were matched into meanwhile): nothing offered for
   * that partner any more (Block, Keep in touch).
   */
  partnerBlocked(roomId: number): void;
  /** The chat of `roomId` (on screen, or before a reload) ended while the page was away: its receipt went astray. */
  endedAway(roomId: number): void;
}

/** A chat that had ended on screen before a reload, as the flow shows it again (ended-restore.ts keeps it). */
export type RestoredChat = Pick<KeptEndedChat, 'roomId' | 'endedAt' | 'note' | 'messages'>;

export interface ChatFlow {
  start(): void;
  /**
   * Sends a text the composer has already checked (not blank, not too long); `piiConfirmed`: after the
   * warning about contact details.
   */
  send(text: string, piiConfirmed?: boolean): void;
  /** The user changed the text in the input. */
  edited(): void;
  cancel(): void;
  /** Creates a private room and waits in it. */
  createPrivate(): void;
  /**
   * Enters the private room of a key. Resolves true when the key was refused (one that opens nothing, a
   * malformed one, a room two others hold) and the page is back at the start.
   */
  joinPrivate(key: string): Promise<boolean>;
  /**
   * Presses the Next button (or Escape): Leave → Really? → leaves; once the chat has ended, New. A "Really?"
   * armed by Escape goes back to "Leave" after CONFIRM_EXPIRY_MS (next-cycle.ts); one armed on the button
   * waits, for whoever presses it again however slowly (a screen reader's user hears it first).
   */
  next(byEscape?: boolean): void;
  newChat(): void;
  /** From a chat that has ended, back to the start screen. */
  home(): void;
  /**
   * Highest message id the server has sent in the live chat (0 if none), undefined when not in one: for the
   * handshake, which resumes after it.
   */
  lastMessageId(): number | undefined;
  /** Whether this tab holds (or held, before a reload or drop) a chat or wait: the handshake asks to take it over. */
  ownsActivity(): boolean;
  /** The chat this tab holds (kept across reloads), for the handshake's `resume_room`. */
  resumeRoom(): number | undefined;
  /** The person blocked the partner of `roomId`: if that chat is going on, it ends on screen (as after leaving). */
  blocked(roomId: number): void;
  /**
   * After a reload, shows again the chat that had ended on screen before it (ended-restore.ts): its messages,
   * why it ended, the ended bar with New — only from the start screen with nothing under way (no join, no
   * chat or wait being resumed, no ban). True when it is shown.
   */
  restoreEnded(chat: RestoredChat): boolean;
  /** What sanctions forbid now; a ban sends the page back to the start (the server ended the chat or wait). */
  setRestrictions(restrictions: Restrictions): void;
}
