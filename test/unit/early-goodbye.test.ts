import { describe, expect, it } from 'vitest';
import { createEarlyGoodbyes } from '../../web/src/early-goodbye.js';

describe('a goodbye for a chat the page does not show (web/src/early-goodbye.ts)', () => {
  it('plays at once when it is for the chat on screen or names none', () => {
    const early = createEarlyGoodbyes();
    const played: string[] = [];
    early.route(7, 7, () => played.push('for the chat on screen'));
    early.route(undefined, null, () => played.push('leaving the queue'));
    early.route(undefined, 7, () => played.push('naming no chat'));
    expect(played).toEqual(['for the chat on screen', 'leaving the queue', 'naming no chat']);
  });

  it('waits for its chat to open, plays then, and only once', () => {
    const early = createEarlyGoodbyes();
    const played: number[] = [];
    early.route(8, null, () => played.push(8));
    early.opened(9);
    expect(played).toEqual([]);
    early.opened(8);
    early.opened(8);
    expect(played).toEqual([8]);
  });

  it('a goodbye for an older chat is kept aside: it never ends the chat on screen', () => {
    const early = createEarlyGoodbyes();
    const played: number[] = [];
    early.route(5, 9, () => played.push(5));
    early.opened(9);
    expect(played).toEqual([]);
  });

  it('a stale goodbye arriving after an early one does not push it out; only the last four are kept', () => {
    const early = createEarlyGoodbyes();
    const played: number[] = [];
    early.route(6, null, () => played.push(6));
    early.route(5, null, () => played.push(5));
    early.opened(6);
    expect(played).toEqual([6]);
    for (const room of [10, 11, 12, 13, 14]) early.route(room, null, () => played.push(room));
    early.opened(10);
    early.opened(14);
    expect(played).toEqual([6, 14]);
  });
});
