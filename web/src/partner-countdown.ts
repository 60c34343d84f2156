/**
 * "Your partner lost the connection, waiting… (18 s)": the notice shown while the partner's reconnect
 * grace runs, counting down the seconds the server gave them to come back.
 */
import type { MessageList, SystemNote } from './message-list.js';

export interface PartnerCountdown {
  /** Shows the notice and counts down `graceMs`. */
  start(graceMs: number): void;
  /** The partner is back or the chat is over: the count stops (the notice stays, without it). */
  stop(): void;
}

export function createPartnerCountdown(messages: MessageList): PartnerCountdown {
  let running: { note: SystemNote; timer: ReturnType<typeof setInterval> } | undefined;

  const stop = (): void => {
    if (!running) return;
    clearInterval(running.timer);
    running.note.setSecondsLeft(null);
    running = undefined;
  };

  return {
    start(graceMs) {
      stop();
      const note = messages.addSystem('partnerConnectionLost');
      const deadline = Date.now() + graceMs;
      const tick = (): void => {
        const left = Math.ceil((deadline - Date.now()) / 1000);
        if (left > 0) note.setSecondsLeft(left);
        else stop(); // `partner_left` follows from the server
      };
      running = { note, timer: setInterval(tick, 1000) };
      tick();
    },
    stop,
  };
}
