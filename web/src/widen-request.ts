/**
 * "Match anyone now" (`widen_search`) as a request, for the interests wait (interest-wait.ts), which shows
 * its outcome. One request at a time: a second press while the first is unanswered sends nothing. And an
 * answer is for the wait it was asked in: waits are counted (each new one, `reset`, counts up), so a late
 * answer for an earlier wait — the person cancelled and started again, or was matched and came back to
 * wait — neither hides the new wait's button (a success) nor leaves it dead (a press ignored because an
 * answer was still awaited).
 */
import type { ChatClient, Result } from './chat-client.js';

export interface WidenAnswers {
  /** The wait on screen now looks for anyone. */
  widened(): void;
  /** Refused (NOT_WAITING included: the flow changes the screen by itself). */
  refused(res: Result & { ok: false }): void;
}

export interface WidenRequest {
  /** The button was pressed: asks, unless this wait's request is still unanswered. */
  press(): void;
  /** A new wait (or none): an answer still to come for the one before acts on nothing. */
  reset(): void;
}

export function createWidenRequest(client: Pick<ChatClient, 'widenSearch'>, answers: WidenAnswers): WidenRequest {
  /** Which wait is on screen: an answer for an earlier one acts on nothing. */
  let wait = 0;
  /** This wait's request is not answered yet. */
  let widening = false;

  return {
    press() {
      if (widening) return;
      widening = true;
      const asked = wait;
      void client.widenSearch().then((res) => {
        if (asked !== wait) return;
        widening = false;
        if (res.ok) answers.widened();
        else answers.refused(res);
      });
    },
    reset() {
      wait++;
      widening = false;
    },
  };
}
