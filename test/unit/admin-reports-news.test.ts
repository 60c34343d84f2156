/**
 * What a re-read of the open queue's first page says against the one the moderator saw
 * (web/admin/src/reports-news.ts): arrivals, urgent ones, reports decided meanwhile, and a report coming
 * up from a later page, which is not new.
 */
import { describe, expect, it } from 'vitest';
import type { ReportQueuePage } from '../../src/admin/reports-query.js';
import type { ReportQueueItem } from '../../src/admin/safety-views.js';
import { baselineOf, newsSince } from '../../web/admin/src/reports-news.js';

/** A first page of reports `[id, priority]`, in the queue's order, of `total` reports in all. */
function firstPage(reports: [number, number][], total = reports.length): ReportQueuePage {
  return { reports: reports.map(([id, priority]) => ({ id, priority }) as ReportQueueItem), next_cursor: null, total };
}

describe('news of the reports queue', () => {
  const seen = baselineOf(firstPage([[3, 1], [5, 0], [4, 0]]));

  it('is nothing while the first page is as it was', () => {
    expect(newsSince(seen, firstPage([[3, 1], [5, 0], [4, 0]]))).toBeUndefined();
  });

  it('counts arrivals and says when one is urgent', () => {
    expect(newsSince(seen, firstPage([[3, 1], [6, 0], [5, 0], [4, 0]]))).toEqual({ added: 1, urgent: false });
    expect(newsSince(seen, firstPage([[7, 1], [3, 1], [6, 0], [5, 0], [4, 0]]))).toEqual({ added: 2, urgent: true });
  });

  it('counts an arrival below a full first page by the total', () => {
    expect(newsSince(seen, firstPage([[3, 1], [5, 0], [4, 0]], 4))).toEqual({ added: 1, urgent: false });
  });

  it('says a report made more urgent, and a report decided meanwhile, as a change with nothing added', () => {
    expect(newsSince(seen, firstPage([[5, 1], [3, 1], [4, 0]]))).toEqual({ added: 0, urgent: true });
    expect(newsSince(seen, firstPage([[3, 1], [4, 0]]))).toEqual({ added: 0, urgent: false });
  });

  it('does not take a report come up from a later page for a new one', () => {
    // Report 2 (older) was on page 2; report 4 was decided, so 2 comes up.
    expect(newsSince(seen, firstPage([[3, 1], [5, 0], [2, 0]], 3))).toEqual({ added: 0, urgent: false });
    // Report 9 had been seen on page 2 (a newer id below priority ones): not new either.
    const paged = baselineOf(firstPage([[3, 1], [5, 0], [4, 0]]), 9);
    expect(newsSince(paged, firstPage([[3, 1], [9, 0], [5, 0]], 3))).toEqual({ added: 0, urgent: false });
  });
});
