/**
 * Sending from the chat's input, for the chat flow (chat-flow.ts): the text leaves the input and the ack
 * is the page's copy of its own message. A text sent shows at once as one's own message on its way
 * (message-list.ts `addPending`). While the connection is away the text stays in the input, to be sent
 * once it is back.
 *
 * A send that fails loses nothing. Into an empty input its text
 * goes back with its `cid`, so sending that same text again reuses it (a send that did reach the server,
 * its ack lost to a timeout, is not stored twice); one refused for its content (BLOCKED_CONTENT) goes back
 * to be edited, not sent again. Never over what the person has started writing meanwhile: then — when the
 * chat has ended meanwhile, or the refusal is for now (RATE_LIMITED, SERVER_BUSY: fast typing would land on
 * the end of a text given back) — the message stays in the list, marked not sent (unsent-message.ts), with
 * Retry (the same `cid`, the same path again: on its way, then stored or failed; not for a refused one),
 * Edit (into the input, only while it is empty; sent unchanged from there it keeps its `cid`) and Discard —
 * buttons only while the chat goes on. One the server
 * refuses because the chat is over (NOT_IN_CHAT) stays marked not sent, without buttons (with them while the
 * page reconnects: the resume may carry the chat on). After a refusal that asks to wait (`retry_after_ms`)
 * nothing is sent before the wait is over — any text from the input, or a Retry: the page says how long
 * instead (each early try would be refused again, and refusals count towards the bot check). Retry sends
 * nothing while muted.
 */
import type { ChatClient, Result } from './chat-client.js';
import type { Composer, ComposerStatus } from './composer.js';
import { errorText, t, type ClientErrorCode } from './i18n.js';
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
  /** Muted or banned: nothing is sent (the input is off; an unsent message's Retry says so instead). */
  restricted: boolean;
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

/** A send refused for now (RATE_LIMITED, SERVER_BUSY): when trying again makes sense (epoch ms; 0: at once). */
interface Wait {
  code: ClientErrorCode;
  notBefore: number;
}

/** Refused for now, not for what it says: the same message may go once the limit or the load allows. */
const forNow = (res: Result & { ok: false }): boolean => res.code === 'RATE_LIMITED' || res.code === 'SERVER_BUSY';

/** The wait a refusal asks for, if it gives one (`retry_after_ms`). */
function waitOf(res: Result & { ok: false }): Wait {
  return { code: res.code, notBefore: res.retry_after_ms !== undefined && res.retry_after_ms > 0 ? Date.now() + res.retry_after_ms : 0 };
}

export function createSendPath(deps: SendPathDeps): SendPath {
  const { composer, messages } = deps;
  /** A text whose send failed, given back to the input, and its cid. */
  let retry: { text: string; cid: string } | null = null;
  /**
   * The last refusal that asked to wait: no send at all before it is over, whatever the text (the server's
   * limits are the identity's, or everyone's for SERVER_BUSY, not one message's).
   */
  let wait: Wait = { code: 'RATE_LIMITED', notBefore: 0 };
  /** A text refused for its content, given back to the input: it must be edited, not sent again. */
  let refused: string | null = null;
  const sends = createSlowSends(() => deps.changed());

  /** Still the live chat it was written in (an unsent message's buttons are gone otherwise, but a click may race). */
  const stillIn = (room: number): boolean => {
    const now = deps.chat();
    return now.live && now.roomId === room;
  };

  /**
   * An unsent message's button goes with it: a focus it held goes to the input, not to the page's body —
   * always from the keyboard; from a click or tap only with a mouse (a tap focuses a button in Chrome for
   * Android too, and the input's keyboard would pop up over the list; `composer.focus()` skips touch).
   */
  const dropUnsent = (cid: string): void => {
    const focus = messages.dropUnsent(cid);
    if (focus !== null) composer.focus(focus === 'keyboard');
  };

  /**
   * Sending again before the server's wait is over would only be refused again — and refusals count towards
   * the bot check and the flood limit: said instead (with the seconds left), nothing sent.
   */
  const tooSoon = (wait: Wait): boolean => {
    const left = wait.notBefore - Date.now();
    if (left <= 0) return false;
    deps.toast.show(errorText({ code: wait.code, message: '', retry_after_ms: left }));
    return true;
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
          // Muted meanwhile: the input is off, and so is sending from here.
          if (deps.chat().restricted) return deps.toast.show(errorText({ code: 'MUTED', message: '' }));
          if (tooSoon(wait)) return;
          dropUnsent(out.cid);
          void dispatch(out);
        },
    // Into the input to be changed (a refused one must be), or sent from there: unchanged, with its own cid
    // (a send whose ack was lost is not stored twice); retyped instead, it would be a second message.
    edit: () => {
      if (!stillIn(out.room)) return;
      // Never over (or into) what the person is writing.
      if (composer.text() !== '') return deps.toast.show(t('unsentClearFirst'));
      messages.dropUnsent(out.cid);
      composer.setText(out.text);
      // To be edited: the input, wherever the focus was.
      composer.focus(true);
      if (blocked) refused = out.text;
      else retry = { text: out.text, cid: out.cid };
      deps.changed();
    },
  });

  const failed = (out: Outgoing, res: Result & { ok: false }): void => {
    // A replay brought it stored meanwhile (its ack was lost with a connection): nothing failed after all.
    if (!messages.hasPending(out.cid)) return deps.changed();
    const now = deps.chat();
    deps.fail(res);
    const blocked = res.code === 'BLOCKED_CONTENT';
    const asked = waitOf(res);
    if (asked.notBefore > 0) wait = asked;
    // Another chat on screen: its list was cleared, the bubble with it.
    if (now.roomId !== out.room) {
      messages.dropPending(out.cid);
      return deps.changed();
    }
    // Written on meanwhile, the chat has ended, or refused for now (the flood limit, a busy server): kept in
    // the list, marked not sent. Refused for now, it is not given back even to an empty input: nothing can
    // be sent before the wait anyway, and someone typing fast (the usual way into a flood limit) would write
    // the next message onto its end, the refusal having come back between two keystrokes; the sends after it,
    // refused too, stay in the list in the order they were written.
    if (!now.live || composer.text() !== '' || forNow(res)) {
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
      // The chat is over, or looks over to the server while the page reconnects: not stored. Its text stays in
      // view, marked not sent — with its buttons while the page still has the chat live (a resume may carry
      // it on; the `session` that follows says, and an end takes the buttons away), without once it is over.
      // Unless a replay brought it stored meanwhile.
      if (messages.hasPending(out.cid)) {
        const carriedOn = after.live && after.roomId === out.room && !after.linked;
        if (after.roomId === out.room) messages.failPending(out.cid, 'failed', carriedOn ? unsentActions(out, false) : null);
        else messages.dropPending(out.cid);
        deps.changed();
      }
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
      // The text stays in the input, to be sent once the connection is back. The hint above it says so;
      // only "Send anyway" (its dialog closing) needs saying it again.
      if (!before.linked) return piiConfirmed ? deps.toast.show(t('hintOffline')) : undefined;
      // The text stays in the input until the server's wait is over.
      if (tooSoon(wait)) return;
      const cid = retry?.text === text ? retry.cid : newCid();
      deps.typing.stop();
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
