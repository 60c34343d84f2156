/**
 * What the page does, screen by screen: start → waiting → chat → (ended) → start or a new chat.
 * The server owns the truth: `matched` always opens the chat it names, whatever the page was showing,
 * and messages appear only when the server broadcasts them.
 */
import type { ChatClient, Result } from './chat-client.js';
import type { Composer } from './composer.js';
import { errorText, t, type TextKey } from './i18n.js';
import type { MessageList } from './message-list.js';
import { newCid } from './new-cid.js';
import type { Screens } from './screens.js';
import type { Toast } from './toast.js';
import type { EndReason } from '../../src/shared/protocol.js';

export interface ChatFlowViews {
  screens: Screens;
  messages: MessageList;
  composer: Composer;
  toast: Toast;
  myId: HTMLElement;
  waitingCount: HTMLElement;
  /** Shown once the conversation has ended, with the new-chat button. */
  endedBar: HTMLElement;
  /** "Leave" while chatting, "Back" once the chat has ended. */
  leaveButton: HTMLButtonElement;
  /** Asks before leaving a live chat. */
  confirmLeave(): boolean;
}

export interface ChatFlow {
  start(): void;
  /** Sends a text the composer has already checked (not blank, not too long). */
  send(text: string): void;
  cancel(): void;
  leave(): void;
  newChat(): void;
}

const END_TEXT: Record<EndReason, TextKey> = {
  left: 'partnerLeft',
  disconnected: 'partnerDisconnected',
  server_shutdown: 'serverShutdown',
  server_restart: 'serverShutdown',
};

function setText(el: HTMLElement, key: TextKey, n?: number): void {
  el.dataset['i18n'] = key;
  if (n === undefined) delete el.dataset['i18nN'];
  else el.dataset['i18nN'] = String(n);
  el.textContent = t(key, { n });
}

export function createChatFlow(client: ChatClient, views: ChatFlowViews): ChatFlow {
  const { screens, messages, composer, toast } = views;
  let phase: 'start' | 'waiting' | 'chat' = 'start';
  let roomId: number | null = null;
  let chatLive = false;
  let myUserId: string | null = null;
  /**
   * A text whose send failed, given back to the input, and its cid: sending that same text again reuses
   * the cid, so a send that did reach the server (an ack lost to a timeout) is not stored twice.
   */
  let retry: { text: string; cid: string } | null = null;

  const fail = (res: Result & { ok: false }): void => toast.show(errorText(res.code, res.message));

  const showStart = (): void => {
    phase = 'start';
    roomId = null;
    chatLive = false;
    screens.show('start');
  };

  const showWaitingCount = (count: number): void => {
    if (phase !== 'waiting') return;
    setText(views.waitingCount, 'waitingCount', count);
    views.waitingCount.hidden = false;
  };

  const openChat = (id: number): void => {
    if (phase === 'chat' && roomId === id) return;
    phase = 'chat';
    roomId = id;
    chatLive = true;
    retry = null;
    messages.clear();
    messages.addSystem('matched');
    views.endedBar.hidden = true;
    setText(views.leaveButton, 'leave');
    composer.setText('');
    composer.setEnabled(true);
    screens.show('chat');
    composer.focus();
  };

  const endChat = (key: TextKey): void => {
    if (phase !== 'chat' || !chatLive) return;
    chatLive = false;
    composer.setEnabled(false);
    views.endedBar.hidden = false;
    setText(views.leaveButton, 'backHome');
    // After the bar has taken its space, so the notice scrolls into view above it.
    messages.addSystem(key);
  };

  let joining = false;
  const join = async (): Promise<void> => {
    phase = 'waiting';
    views.waitingCount.hidden = true;
    screens.show('waiting');
    joining = true;
    const res = await client.joinQueue().finally(() => (joining = false));
    if (!res.ok) {
      fail(res);
      if (phase === 'waiting') showStart();
    } else if (res.status === 'matched') {
      openChat(res.room_id);
    } else {
      showWaitingCount(res.waiting_count);
    }
  };

  const send = async (text: string): Promise<void> => {
    if (!chatLive) return;
    const cid = retry?.text === text ? retry.cid : newCid();
    retry = null;
    composer.setText('');
    const res = await client.sendMessage(text, cid);
    if (res.ok) return;
    fail(res);
    if (res.code === 'NOT_IN_CHAT') return endChat('chatEnded');
    // Give the text back for a retry, unless the user has started typing something else.
    if (chatLive && composer.text() === '') {
      composer.setText(text);
      retry = { text, cid };
    }
  };

  client.on('session', ({ user_id }) => {
    myUserId = user_id;
    views.myId.textContent = user_id;
  });
  client.on('waiting', ({ waiting_count }) => showWaitingCount(waiting_count));
  client.on('matched', ({ room_id }) => openChat(room_id));
  client.on('new_message', (message) => {
    if (phase === 'chat' && message.room_id === roomId) messages.addMessage(message, message.sender_id === myUserId);
  });
  client.on('partner_left', ({ reason }) => endChat(END_TEXT[reason] ?? 'partnerLeft'));
  client.on('left_room', () => {
    if (phase === 'chat' && chatLive) showStart();
  });
  client.on('error', ({ code, message }) => toast.show(errorText(code, message)));

  // The server ends a conversation, and forgets a place in the queue, when the connection drops;
  // a reconnection is a new connection. So a live chat is over, and a waiting user queues again.
  let online = false;
  client.onConnectionChange((state) => {
    const wasOnline = online;
    online = state === 'connected';
    if (!online && wasOnline) endChat('connectionLost');
    // A join sent while offline is still on its way (Socket.IO buffers it); don't send a second one.
    if (online && !wasOnline && phase === 'waiting' && !joining) void join();
  });

  return {
    start: () => void join(),
    newChat: () => void join(),
    cancel() {
      if (phase !== 'waiting') return;
      showStart();
      void client.leaveQueue().then((res) => {
        if (!res.ok) fail(res);
      });
    },
    leave() {
      if (phase !== 'chat') return;
      if (!chatLive) return showStart();
      if (!views.confirmLeave()) return;
      void client.leaveRoom().then((res) => {
        if (res.ok || res.code === 'NOT_IN_CHAT') {
          if (phase === 'chat') showStart();
        } else {
          fail(res);
        }
      });
    },
    send: (text) => void send(text),
  };
}
