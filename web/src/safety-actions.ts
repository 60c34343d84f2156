/**
 * Report and Block for the chat on screen: in the chat header while it goes on, on the chat-ended bar
 * once it is over — Report only while the server still takes reports of it (REPORT_WINDOW_MS after the
 * end, which every `session` tells: `reportWindow`; a late one is refused with REPORT_WINDOW_CLOSED
 * anyway), Block until done. A chat shown again after a reload (ended-restore.ts) has what is left of its
 * window, counted from when the page saw it end.
 */
import type { BlockDialog } from './block-dialog.js';
import type { TextKey } from './i18n.js';
import type { MessageList } from './message-list.js';
import type { ReportDialog } from './report-dialog.js';

/**
 * The server's default REPORT_WINDOW_MS, until its `session` says what it is. The page learns of an end a
 * moment after the server, so its window closes a moment after the server's, never before.
 */
const DEFAULT_REPORT_WINDOW_MS = 2 * 60_000;

/** The chat on screen: going on, or over (its messages still shown). */
export interface ChatState {
  roomId: number;
  live: boolean;
  /**
   * Once over: when the page saw it end (ms since the epoch) — before a reload, for a chat shown again after
   * one (ended-restore.ts), whose windows are then what is left of them. Absent: it ends now.
   */
  endedAt?: number;
  /** Once over: why, as the conversation said it ("Your partner left the chat"). */
  endNote?: TextKey;
}

/** What is left (ms, 0 if none) of a window of `windowMs` after `state` ended: all of it when it ends now. */
export function windowLeft(state: ChatState, windowMs: number): number {
  return state.endedAt === undefined ? windowMs : Math.max(0, state.endedAt + windowMs - Date.now());
}

export interface SafetyButtons {
  report: HTMLButtonElement;
  block: HTMLButtonElement;
}

export interface SafetyActions {
  /** The chat on screen changed; null: no chat on screen (start, waiting). */
  chatChanged(state: ChatState | null): void;
  /** The partner of `roomId` was blocked. */
  blocked(roomId: number): void;
  /** Closes any open dialog (e.g. a ban covers the page). */
  closeDialogs(): void;
  /** How long after its end a chat can be reported (the session's `report_window_ms`): for chats ending from now on. */
  reportWindow(ms: number): void;
}

export function createSafetyActions(
  header: SafetyButtons,
  endedBar: SafetyButtons,
  dialogs: { report: ReportDialog; block: BlockDialog },
  messages: MessageList,
): SafetyActions {
  let chat: ChatState | null = null;
  let reportOpen = false;
  let blockedRoom: number | null = null;
  let windowTimer: ReturnType<typeof setTimeout> | undefined;
  let reportWindowMs = DEFAULT_REPORT_WINDOW_MS;

  const render = (): void => {
    const live = chat?.live === true;
    const blocked = chat !== null && chat.roomId === blockedRoom;
    header.report.hidden = !live;
    header.block.hidden = !live || blocked;
    endedBar.report.hidden = live || chat === null || !reportOpen;
    endedBar.block.hidden = live || chat === null || blocked;
  };

  const openReport = (opener: HTMLButtonElement): void => {
    if (chat) dialogs.report.open({ roomId: chat.roomId, partnerMessages: messages.partnerMessages() }, opener);
  };
  const openBlock = (opener: HTMLButtonElement): void => {
    if (chat) dialogs.block.open({ roomId: chat.roomId, live: chat.live }, opener);
  };
  for (const buttons of [header, endedBar]) {
    buttons.report.addEventListener('click', () => openReport(buttons.report));
    buttons.block.addEventListener('click', () => openBlock(buttons.block));
  }

  return {
    chatChanged(next) {
      const sameRoom = next !== null && next.roomId === chat?.roomId;
      if (!sameRoom) {
        dialogs.report.close();
        dialogs.block.close();
      }
      const endedNow = next !== null && !next.live && !(sameRoom && chat?.live === false);
      // Ended while its Block dialog is open (the partner left): the dialog stops saying it ends now.
      if (endedNow && sameRoom) dialogs.block.chatEnded(next.roomId);
      if (next === null || next.live || endedNow) clearTimeout(windowTimer);
      if (next === null || next.live) reportOpen = true;
      if (endedNow) {
        // A chat shown again after a reload has only what is left of its window.
        const left = windowLeft(next, reportWindowMs);
        reportOpen = left > 0;
        if (reportOpen) {
          windowTimer = setTimeout(() => {
            reportOpen = false;
            render();
          }, left);
        }
      }
      chat = next;
      render();
    },
    blocked(roomId) {
      blockedRoom = roomId;
      render();
    },
    closeDialogs() {
      dialogs.report.close();
      dialogs.block.close();
    },
    reportWindow(ms) {
      if (Number.isFinite(ms) && ms >= 0) reportWindowMs = ms;
    },
  };
}
