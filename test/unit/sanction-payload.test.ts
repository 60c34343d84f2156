/** What a person is told of a sanction: its reason as a code the page names in their language, when it is one. */
import { describe, expect, it } from 'vitest';
import type { Sanction } from '../../src/moderation/sanction-repository.js';
import { sanctionPayload } from '../../src/realtime/sanction-enforcement.js';

const base: Sanction = {
  id: 1,
  userId: 'u1',
  networkHash: null,
  kind: 'muted',
  reason: 'spam',
  startsAt: new Date('2026-12-05T00:00:00Z'),
  endsAt: new Date('2026-12-06T00:00:00Z'),
  createdBy: 'admin',
  reportId: 7,
  liftedAt: null,
  liftedBy: null,
};

describe('sanctionPayload', () => {
  it('tells a moderator’s own words as written, with the end in the configured zone', () => {
    expect(sanctionPayload({ ...base, reason: '辱骂他人' }, 'Asia/Shanghai', 'u1')).toEqual({ kind: 'muted', reason: '辱骂他人', until: '2026-12-06T08:00:00+08:00' });
  });

  it('tells an automatic sanction as rule_breaks, whatever the admins’ text says', () => {
    expect(sanctionPayload({ ...base, createdBy: 'automatic', reason: 'automatic: 3 strikes in 30 days' }, 'UTC', 'u1').reason).toBe('rule_breaks');
  });

  it('tells one stored the earlier way ("report #10: harassment") as the report reason’s code', () => {
    expect(sanctionPayload({ ...base, reason: 'report #10: harassment' }, 'UTC', 'u1').reason).toBe('harassment');
    expect(sanctionPayload({ ...base, reason: 'report #10: self_harm' }, 'UTC', 'u1').reason).toBe('self_harm');
    // Not without a report: a moderator may have written such words themselves.
    expect(sanctionPayload({ ...base, reportId: null, reason: 'report #10: harassment' }, 'UTC', 'u1').reason).toBe('report #10: harassment');
  });

  it('tells one that reaches the person only through their network as shared_network, not someone else’s reason', () => {
    const onNetwork = { ...base, networkHash: 'net1', reason: 'Insulting a stranger' };
    expect(sanctionPayload(onNetwork, 'UTC', 'u1').reason).toBe('Insulting a stranger');
    expect(sanctionPayload(onNetwork, 'UTC', 'u2')).toEqual({ kind: 'muted', reason: 'shared_network', until: '2026-12-06T00:00:00+00:00' });
    // Issued to the network alone: nobody's own.
    expect(sanctionPayload({ ...onNetwork, userId: null }, 'UTC', 'u1').reason).toBe('shared_network');
    expect(sanctionPayload({ ...onNetwork, createdBy: 'automatic' }, 'UTC', 'u2').reason).toBe('shared_network');
  });

  it('a lifted one says so, and a ban for good has no end', () => {
    expect(sanctionPayload({ ...base, kind: 'banned', endsAt: null }, 'UTC', 'u1', true)).toEqual({ kind: 'banned', reason: 'spam', lifted: true });
  });
});
