/**
 * A view that re-reads what it shows while it is shown: every `everyMs` while the browser tab is visible
 * (a hidden tab needs nothing fresh, as on the dashboard), and at once when the tab becomes visible again,
 * so a moderator coming back sees the queue as it is rather than up to an interval late.
 */
export interface VisiblePoll {
  /** Starts the interval (the first read comes after `everyMs`: the view has just read its content). */
  start(): void;
  stop(): void;
}

export function createVisiblePoll(read: () => void, everyMs: number): VisiblePoll {
  let timer: number | undefined;

  const restart = () => {
    window.clearInterval(timer);
    timer = window.setInterval(() => {
      if (!document.hidden) read();
    }, everyMs);
  };
  const onVisibility = () => {
    if (document.hidden || timer === undefined) return;
    read();
    // Counted from this read: not a second one moments later.
    restart();
  };

  return {
    start() {
      if (timer !== undefined) return;
      restart();
      document.addEventListener('visibilitychange', onVisibility);
    },
    stop() {
      window.clearInterval(timer);
      timer = undefined;
      document.removeEventListener('visibilitychange', onVisibility);
    },
  };
}
