/**
 * Closing the tab, or going Back out of the page, in the middle of a chat ends it for good: the partner is
 * told at once (`leaving`), and a stranger once gone is not found again. While a chat goes on in which
 * something was said (or is being written), the browser's own leave-page prompt asks first. A reload asks
 * too — the browser cannot tell it from a close — though a reload would have kept the chat. Browsers show it
 * only to a page the person has interacted with, and mobile ones often not at all; leaving by the page's
 * own Next button never asks (it has its own "Really?").
 *
 * A link to another app — a crisis line's `tel:`, an `sms:` or `mailto:` — leaves nothing: some browsers
 * still run `beforeunload` for it, and someone in distress calling a hotline must not be asked whether to
 * leave. Such a click lets the next `beforeunload` through.
 */
const OTHER_APP_LINK = 'a[href^="tel:"], a[href^="sms:"], a[href^="mailto:"]';

export function attachLeaveGuard(target: Pick<Window, 'addEventListener'>, page: Pick<Document, 'addEventListener'>, worthAsking: () => boolean): void {
  let otherApp = false;
  page.addEventListener(
    'click',
    (event) => {
      if (!(event.target instanceof Element) || event.target.closest(OTHER_APP_LINK) === null) return;
      otherApp = true;
      // The browser hands the link over within this task; a later close asks again.
      setTimeout(() => (otherApp = false), 0);
    },
    true,
  );
  target.addEventListener('beforeunload', (event) => {
    if (otherApp || !worthAsking()) return;
    event.preventDefault();
    // Older browsers ask only when this is set (its text is not shown anywhere any more).
    (event as BeforeUnloadEvent).returnValue = '';
  });
}
