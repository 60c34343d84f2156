/**
 * The chat's Next button (web/src/next-cycle.ts): a "Really?" armed by Escape (`expireSoon`) goes back to
 * "Leave" by itself after CONFIRM_EXPIRY_MS — a single Esc minutes after the first is a first press again —
 * unless it was pressed (`hold`: the chat is being left); another step set meanwhile is kept; one armed on
 * the button waits. A fake button and timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { t } from '../../web/src/i18n.js';
import { attachNextButton, CONFIRM_EXPIRY_MS, createNextCycle } from '../../web/src/next-cycle.js';

const fakeButton = () => ({ dataset: {} as Record<string, string>, textContent: '' }) as unknown as HTMLButtonElement;

describe('the Next button’s cycle (web/src/next-cycle.ts)', () => {
  beforeEach(() => void vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
  afterEach(() => void vi.useRealTimers());

  it('expires a few seconds, not minutes: “Really?” is “Leave” again after CONFIRM_EXPIRY_MS', () => {
    expect(CONFIRM_EXPIRY_MS).toBeGreaterThanOrEqual(2_000);
    expect(CONFIRM_EXPIRY_MS).toBeLessThanOrEqual(5_000);
    const button = fakeButton();
    const cycle = createNextCycle(button);
    cycle.set('confirm');
    cycle.expireSoon();
    expect(button.textContent).toBe(t('reallyLeave'));
    vi.advanceTimersByTime(CONFIRM_EXPIRY_MS - 1);
    expect(cycle.step).toBe('confirm');
    vi.advanceTimersByTime(1);
    expect(cycle.step).toBe('leave');
    expect(button.dataset['step']).toBe('leave');
    expect(button.textContent).toBe(t('leave'));
  });

  it('a held “Really?” (the leave on its way) and a step set meanwhile (New) are left as they are', () => {
    const cycle = createNextCycle(fakeButton());
    cycle.set('confirm');
    cycle.expireSoon();
    cycle.hold();
    vi.advanceTimersByTime(CONFIRM_EXPIRY_MS * 3);
    expect(cycle.step).toBe('confirm');
    cycle.set('new');
    cycle.set('confirm');
    cycle.expireSoon();
    cycle.set('new');
    vi.advanceTimersByTime(CONFIRM_EXPIRY_MS * 3);
    expect(cycle.step).toBe('new');
  });

  it('a “Really?” armed on the button waits however long (no time limit on leaving for who confirms slowly)', () => {
    const cycle = createNextCycle(fakeButton());
    cycle.set('confirm');
    vi.advanceTimersByTime(10 * 60_000);
    expect(cycle.step).toBe('confirm');
  });

  it('a tap on Leave right after the page loaded is a press; a second tap just after it is not, a tap later is', () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const handlers = new Map<string, (event: Event) => void>();
    const button = { ...fakeButton(), addEventListener: (type: string, handler: (event: Event) => void) => handlers.set(type, handler) } as unknown as HTMLButtonElement;
    const cycle = createNextCycle(button);
    let presses = 0;
    attachNextButton(button, cycle, () => {
      presses += 1;
      cycle.set(cycle.step === 'leave' ? 'confirm' : 'new');
    });
    const tap = () => handlers.get('click')!({ detail: 1, pointerType: 'touch' } as unknown as Event);
    expect(cycle.sinceChangeMs()).toBe(Number.POSITIVE_INFINITY);
    vi.advanceTimersByTime(1);
    tap();
    expect([presses, cycle.step]).toEqual([1, 'confirm']);
    vi.advanceTimersByTime(50);
    tap();
    expect([presses, cycle.step]).toEqual([1, 'confirm']);
    vi.advanceTimersByTime(1_000);
    tap();
    expect([presses, cycle.step]).toEqual([2, 'new']);
  });
});
