/**
 * Sending from the chat's input, for the chat flow (chat-flow.ts): the text leaves the input and the ack
 * is the page's copy of its own message. A text sent shows at once as one's own message on its way
 * (message-list.ts `addPending`). While the connection is away the text stays in the input, to be sent
 * once it is back.
 *
 * A send that fails loses nothing. Into an empty input its text
 * goes back with its `cid`, so sending that same text again reuses it (a send that did reach the server,
 * its ack lost to a timeout, is not stored twice); one refused for its content (BLOCKED_CONTENT) goes back
 * to be edited, not sent again. Never over what the person has started writing meanwhile: then — or when
 * the chat has ended meanwhile — the message stays in the list, marked not sent (unsent-message.ts), with
 * Retry (the same `cid`, the same path again: on its way, then stored or failed), Discard, and for a refused
 * one Edit (into the input, only while it is empty) — buttons only while the chat goes on. One the server
 * refuses because the chat is over (NOT_IN_CHAT) stays marked not sent, without buttons.
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
import type { UnsentActions } from './unsent-message.js';

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

/** One message sent: what it says, its cid, the chat it was written in, and whether "Send anyway" was said. */
interface Outgoing {
  text: string;
  cid: string;
  room: number;
  piiConfirmed: boolean;
}

export function createSendPath(deps: SendPathDeps): SendPath {
  const { composer, messages } = deps;
  /** A text whose send failed, given back to the input, and its cid. */
  let retry: { text: string; cid: string } | null = null;
  /** A text refused for its content, given back to the input: it must be edited, not sent again. */
  let refused: string | null = null;
  const sends = createSlowSends(() => deps.changed());

  /** Still the live chat it was written in (an unsent message's buttons are gone otherwise, but a click may race). */
  const stillIn = (room: number): boolean => {
    const now = deps.chat();
    return now.live && now.roomId === room;
  };

  /** An unsent message's button goes with it: the focus goes to the input, not to the page's body. */
  const dropUnsent = (cid: string): void => {
    composer.focus(true);
    messages.dropUnsent(cid);
  };

  const unsentActions = (out: Outgoing, blocked: boolean): UnsentActions => ({
    discard() {
      dropUnsent(out.cid);
      deps.changed();
    },
    // Sent again as it was: a refused one would only be refused again.
    retry: blocked
      ? undefined
      : () => {
          if (!stillIn(out.room)) return;
          // As a send from the input does offline: nothing sent, the message kept.
          if (!deps.chat().linked) return deps.toast.show(t('hintOffline'));
          dropUnsent(out.cid);
          void dispatch(out);
        },
    edit: blocked
      ? () => {
          if (!stillIn(out.room)) return;
          // Never over (or into) what the person is writing.
          if (composer.text() !== '') return deps.toast.show(t('unsentClearFirst'));
          dropUnsent(out.cid);
          composer.setText(out.text);
          refused = out.text;
          deps.changed();
        }
      : undefined,
  });

  const failed = (out: Outgoing, res: Result & { ok: false }): void => {
    const now = deps.chat();
    deps.fail(res);
    const blocked = res.code === 'BLOCKED_CONTENT';
    // Another chat on screen: its list was cleared, the bubble with it.
    if (now.roomId !== out.room) {
      messages.dropPending(out.cid);
      return deps.changed();
    }
    // Written on meanwhile, or the chat has ended: kept in the list, marked not sent.
    if (!now.live || composer.text() !== '') {
      messages.failPending(out.cid, blocked ? 'blocked' : 'failed', now.live ? unsentActions(out, blocked) : null);
      return deps.changed();
    }
    messages.dropPending(out.cid);
    composer.setText(out.text);
    if (blocked) {
      refused = out.text;
      composer.focus();
    } else {
      retry = { text: out.text, cid: out.cid };
    }
    deps.changed();
  };

  /** Shown on its way at once; its ack puts the stored message in its place, or it has failed. */
  const dispatch = async (out: Outgoing): Promise<void> => {
    deps.typing.stop();
    if (deps.next.step === 'confirm') deps.next.set('leave');
    messages.addPending(out.text, out.cid);
    deps.changed();
    const res = await sends.track(deps.client.sendMessage(out.text, out.cid, out.room, out.piiConfirmed));
    const after = deps.chat();
    if (res.ok) {
      // The ack is the page's copy of its own message (it connects with `echo_in_ack`: no `new_message`
      // echo); one lost with a connection comes back in the replay after the resume. Shown while the page
      // shows that chat, even if it has ended meanwhile: the goodbye can overtake the ack of a message
      // stored before the chat closed.
      if (after.roomId === out.room && res.message.room_id === out.room) messages.addMessage(res.message, true);
      // Put in its place above; anywhere else, no longer on its way.
      messages.dropPending(out.cid);
      return;
    }
    if (res.code === 'NOT_IN_CHAT') {
      // The chat is over (or, while reconnecting, looks over to the server): not stored, and nothing to send
      // it to — its text stays in view, marked not sent, with no buttons (a replay that brings it stored after
      // all puts the stored one in its place).
      if (after.roomId === out.room) messages.failPending(out.cid, 'failed', null);
      else messages.dropPending(out.cid);
      // While reconnecting, the `session` that follows says whether the chat is still on.
      if (after.live && after.roomId === out.room && after.linked) {
        deps.fail(res);
        deps.chatOver();
      }
      return;
    }
    failed(out, res);
  };

  return {
    async send(text, piiConfirmed) {
      const before = deps.chat();
      if (!before.live || before.roomId === null) return;
      // The text stays in the input, to be sent once the connection is back. The hint under it says so;
      // only "Send anyway" (its dialog closing) needs saying it again.
      if (!before.linked) return piiConfirmed ? deps.toast.show(t('hintOffline')) : undefined;
      const cid = retry?.text === text ? retry.cid : newCid();
      retry = null;
      refused = null;
      // Unless the person wrote on while the text was being checked (pii-nudge.ts).
      if (composer.text() === text) composer.setText('');
      await dispatch({ text, cid, room: before.roomId, piiConfirmed });
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
