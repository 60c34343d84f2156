/**
 * What a request to stop means, given where it comes from and what came before it. A process is asked to
 * stop by a signal (SIGTERM, SIGINT; SIGHUP, the terminal it runs in closed) or, as a worker of `WEB_CONCURRENCY`, by its primary through the IPC
 * channel (src/cluster/primary.ts). The first request starts the graceful stop; a second *signal* means
 * "exit now" (an operator pressing Ctrl-C twice, a supervisor giving up).
 *
 * One request can arrive twice, in either order: a signal to the whole process group (systemd's default
 * KillMode, Ctrl-C in a terminal) reaches each worker directly *and* makes the primary ask it through IPC.
 * Which one lands first is a race. So the primary's message never counts as a second request, and the
 * first signal after the primary's message is the same group stop arriving late — not "exit now".
 * `schema`: the process found the database migrated by a newer version (src/storage/schema-version.ts)
 * and stops itself; the first signal after it (the supervisor's, in the same rolling upgrade) joins that
 * stop, a second one exits now.
 */
export type StopSource = 'primary' | 'SIGTERM' | 'SIGINT' | 'SIGHUP' | 'schema';

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
      // The primary's request may be followed by the group's signal; a stop for a newer schema by the
      // supervisor's SIGTERM of a rolling upgrade, which comes just then: one signal is not "exit now".
      if (source === 'primary' || source === 'schema') this.echoesExpected = 1;
      return 'start';
    }
    // Not signals: a stop under way already covers them.
    if (source === 'primary' || source === 'schema') return 'ignore';
    if (this.echoesExpected > 0) {
      this.echoesExpected -= 1;
      return 'ignore';
    }
    return 'exit-now';
  }
}
