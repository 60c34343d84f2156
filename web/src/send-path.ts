/**
 * Sending from the chat's input, for the chat flow (chat-flow.ts): the text leaves the input and the ack
 * is the page's copy of its own message. A text whose send failed goes back into the input with its
 * `cid`, so sending that same text again reuses it (a send that did reach the server, its ack lost to a
 * timeout, is not stored twice); one refused for its content (BLOCKED_CONTENT) goes back to be edited, not
 * sent again. While the connection is away the text stays in the input, to be sent once it is back. A
 * text sent shows at once as one's own message on its way (message-list.ts `addPending`).
 */
import type { ChatClient, Result } from './chat-client.js';
import type { Composer, ComposerStatus } from './composer.js';
import { t } from './i18n.js';
import type { MessageList } from './message-list.js';
import { newCid } from './new-cid.js';
import type { NextCycle } from './next-cycle.js';
import { createSlowSends } from './slow-sends.js';
import type { Toast } from './toast.js';
import type { TypingSignal } from './typing-signal.js';

/** The chat on screen as the flow has it at the moment asked. */
export interface ShownChat {
  /** The chat on screen (null when none is). */
  roomId: number | null;
  /** It goes on (not ended). */
  live: boolean;
  /** The current connection carries it (false from a drop until the server resumes it). */
  linked: boolean;
}

export interface SendPathDeps {
  client: Pick<ChatClient, 'sendMessage'>;
  composer: Composer;
  messages: MessageList;
  toast: Toast;
  typing: TypingSignal;
  next: NextCycle;
  chat(): ShownChat;
  /** The server says the chat is over (NOT_IN_CHAT while connected). */
  chatOver(): void;
  /** A refusal said to the person (a sanction's notice, or a toast). */
  fail(res: Result & { ok: false }): void;
  /** What the input shows may have changed. */
  changed(): void;
}

export interface SendPath {
  send(text: string, piiConfirmed: boolean): Promise<void>;
  /** What the status line says about the text in the input, while the chat goes on and is linked. */
  status(): ComposerStatus;
  /** Another chat is on screen: what was given back for the last one is forgotten. */
  reset(): void;
}

export function createSendPath(deps: SendPathDeps): SendPath {
  const { composer, messages } = deps;
  /** A text whose send failed, given back to the input, and its cid. */
  let retry: { text: string; cid: string } | null = null;
  /** A text refused for its content, given back to the input: it must be edited, not sent again. */
  let refused: string | null = null;
  const sends = createSlowSends(() => deps.changed());

  const giveBack = (text: string, cid: string, res: Result & { ok: false }, room: number): void => {
    const now = deps.chat();
    deps.fail(res);
    // Unless the person has started typing something else (or the chat on screen is another one).
    if (!now.live || now.roomId !== room || composer.text() !== '') return deps.changed();
    composer.setText(text);
    if (res.code === 'BLOCKED_CONTENT') {
      refused = text;
      composer.focus();
    } else {
      retry = { text, cid };
    }
    deps.changed();
  };

  return {
    async send(text, piiConfirmed) {
      const before = deps.chat();
      if (!before.live || before.roomId === null) return;
      // The text stays in the input, to be sent once the connection is back. The hint under it says so;
      // only "Send anyway" (its dialog closing) needs saying it again.
      if (!before.linked) return piiConfirmed ? deps.toast.show(t('hintOffline')) : undefined;
      const cid = retry?.text === text ? retry.cid : newCid();
      deps.typing.stop();
      if (deps.next.step === 'confirm') deps.next.set('leave');
      const room = before.roomId;
      retry = null;
      refused = null;
      // Unless the person wrote on while the text was being checked (pii-nudge.ts).
      if (composer.text() === text) composer.setText('');
      // Shown at once, on its way; its ack puts the stored message in its place.
      messages.addPending(text, cid);
      deps.changed();
      const res = await sends.track(deps.client.sendMessage(text, cid, room, piiConfirmed));
      const after = deps.chat();
      if (res.ok) {
        // The ack is the page's copy of its own message (it connects with `echo_in_ack`: no `new_message`
        // echo); one lost with a connection comes back in the replay after the resume. Shown while the page
        // shows that chat, even if it has ended meanwhile: the goodbye can overtake the ack of a message
        // stored before the chat closed.
        if (after.roomId === room && res.message.room_id === room) messages.addMessage(res.message, true);
        // Put in its place above; anywhere else, no longer on its way.
        messages.dropPending(cid);
        return;
      }
      messages.dropPending(cid);
      if (res.code === 'NOT_IN_CHAT') {
        // While reconnecting, the `session` that follows says whether the chat is still on.
        if (after.live && after.roomId === room && after.linked) {
          deps.fail(res);
          deps.chatOver();
        }
        return;
      }
      giveBack(text, cid, res, room);
    },
    status() {
      if (refused !== null && composer.text() === refused) return 'blocked';
      if (retry && composer.text() === retry.text) return 'failed';
      return sends.slow ? 'sending' : 'ready';
    },
    reset() {
      retry = null;
      refused = null;
    },
  };
}
