/**
 * Closing the tab, or going Back out of the page, in the middle of a chat ends it for good: the partner is
 * told at once (`leaving`), and a stranger once gone is not found again. While a chat goes on in which
 * something was said (or is being written), the browser's own leave-page prompt asks first. A reload asks
 * too — the browser cannot tell it from a close — though a reload would have kept the chat. Browsers show it
 * only to a page the person has interacted with, and mobile ones often not at all; leaving by the page's
 * own Next button never asks (it has its own "Really?").
 */
export function attachLeaveGuard(target: Pick<Window, 'addEventListener'>, worthAsking: () => boolean): void {
  target.addEventListener('beforeunload', (event) => {
    if (!worthAsking()) return;
    event.preventDefault();
    // Older browsers ask only when this is set (its text is not shown anywhere any more).
    (event as BeforeUnloadEvent).returnValue = '';
  });
}
