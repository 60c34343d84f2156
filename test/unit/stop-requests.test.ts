/**
 * StopRequests (src/stop-requests.ts): the group's signal and the primary's IPC message are one request,
 * whichever arrives first; a second signal is "exit now".
 */
import { describe, expect, it } from 'vitest';
import { StopRequests, type StopSource } from '../../src/stop-requests.js';

function decisions(sources: StopSource[]): string[] {
  const requests = new StopRequests();
  return sources.map((source) => requests.request(source));
}

describe('StopRequests', () => {
  it('a signal alone: the first stops gracefully, a second exits now', () => {
    expect(decisions(['SIGTERM', 'SIGTERM'])).toEqual(['start', 'exit-now']);
    expect(decisions(['SIGINT', 'SIGINT', 'SIGINT'])).toEqual(['start', 'exit-now', 'exit-now']);
  });

  it('the group signal before the primary’s message: the message is the same request', () => {
    expect(decisions(['SIGTERM', 'primary'])).toEqual(['start', 'ignore']);
    expect(decisions(['SIGTERM', 'primary', 'SIGTERM'])).toEqual(['start', 'ignore', 'exit-now']);
  });

  it('the primary’s message before the group signal: the signal is the same request, a later one exits now', () => {
    // The CI run that found it: the worker logged "shutting down" (primary) and 2 ms later
    // "second signal: exiting now" for the group's SIGTERM.
    expect(decisions(['primary', 'SIGTERM'])).toEqual(['start', 'ignore']);
    expect(decisions(['primary', 'SIGINT', 'SIGINT'])).toEqual(['start', 'ignore', 'exit-now']);
    expect(decisions(['primary', 'primary', 'SIGTERM', 'SIGTERM'])).toEqual(['start', 'ignore', 'ignore', 'exit-now']);
  });

  it('a stop for a newer schema: the supervisor’s SIGTERM that follows joins it, a second signal exits now', () => {
    expect(decisions(['schema', 'SIGTERM'])).toEqual(['start', 'ignore']);
    expect(decisions(['schema', 'SIGTERM', 'SIGTERM'])).toEqual(['start', 'ignore', 'exit-now']);
    expect(decisions(['SIGTERM', 'schema'])).toEqual(['start', 'ignore']);
  });
});
