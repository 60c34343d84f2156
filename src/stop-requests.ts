/**
 * What a request to stop means, given where it comes from and what came before it. A process is asked to
 * stop by a signal (SIGTERM, SIGINT) or, as a worker of `WEB_CONCURRENCY`, by its primary through the IPC
 * channel (src/cluster/primary.ts). The first request starts the graceful stop; a second *signal* means
 * "exit now" (an operator pressing Ctrl-C twice, a supervisor giving up).
 *
 * One request can arrive twice, in either order: a signal to the whole process group (systemd's default
 * KillMode, Ctrl-C in a terminal) reaches each worker directly *and* makes the primary ask it through IPC.
 * Which one lands first is a race. So the primary's message never counts as a second request, and the
 * first signal after the primary's message is the same group stop arriving late — not "exit now".
 * `schema`: the process found the database migrated by a newer version (src/storage/schema-version.ts)
 * and stops itself; a signal after it is a real second request.
 */
export type StopSource = 'primary' | 'SIGTERM' | 'SIGINT' | 'schema';

/** `start`: begin the graceful stop; `ignore`: a stop is already under way for this request; `exit-now`. */
export type StopDecision = 'start' | 'ignore' | 'exit-now';

export class StopRequests {
  private started = false;
  /** Signals that may still arrive as the echo of the primary's request (one, the group's). */
  private echoesExpected = 0;

  /** Records a request from `source` and says what to do about it. */
  request(source: StopSource): StopDecision {
    if (!this.started) {
      this.started = true;
      if (source === 'primary') this.echoesExpected = 1;
      return 'start';
    }
    if (source === 'primary') return 'ignore';
    if (this.echoesExpected > 0) {
      this.echoesExpected -= 1;
      return 'ignore';
    }
    return 'exit-now';
  }
}
