/**
 * Where the content policy meets the chat: every message is screened before it is stored or delivered.
 * A refused message answers BLOCKED_CONTENT (kept aside for review); a masked one goes on masked; what
 * the policy noticed is stored with the message and, for the moderators, put in their queue. The sender
 * is told what concerns them (`notice`): contact details, crisis help (also when the message is refused),
 * a hidden term. Strikes and queue entries are written after the message, never holding it up.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { AppEvents } from '../metrics/app-events.js';
import type { ModerationService } from '../moderation/moderation-service.js';
import { flaggedNote, heldNote } from '../moderation/system-notes.js';
import type { TtlStore } from '../door/ttl-store.js';
import { noticeText, type Lang } from '../shared/codes.js';
import type { Hotline, NoticePayload, ReportReason } from '../shared/protocol.js';
import type { PolicyFlag, Verdict } from './content-policy.js';
import { crisisNotice } from './crisis.js';
import type { PolicyService } from './policy-service.js';
import type { ReviewQueue } from './review-queue.js';

export interface ScreenDeps {
  policy: PolicyService;
  moderation: ModerationService;
  review: ReviewQueue;
  hotlines: Record<Lang, Hotline[]>;
  /**
   * Where refused messages are remembered, so that a retry is not counted again: shared by the instances
   * (Redis) in cluster mode, since a page's retry may reach another instance after a reconnect.
   */
  ttlStore: TtlStore;
  clock: Clock;
  logger: Logger;
  /** Policy hits and the reports the policy files (metrics). */
  events?: Pick<AppEvents, 'policyHit' | 'reported'>;
}

export interface Screened {
  content: string;
  flags: PolicyFlag[];
  verdict: Verdict;
  /** The policy refuses the message: nothing is stored or delivered, the sender gets BLOCKED_CONTENT. */
  refused: boolean;
  /** What to tell the sender once the message is stored (when refused: before the refusal). */
  notices: NoticePayload[];
}

/** Priority in the moderation queue of what the policy flags: crisis words first, with reports of minors. */
const CRISIS_PRIORITY = 2;
/** How long a refused message's `cid` is remembered: a page retries for seconds, not more. */
const REFUSED_KEPT_MS = 10 * 60_000;

export class MessageScreen {
  constructor(private readonly deps: ScreenDeps) {}

  /**
   * Screens a message. A refused one (`refused`) is kept aside, queued for review and the strike counted
   * here; its only notice is crisis help, which is for the person, whatever became of the message.
   */
  check(sender: { userId: string; lang: Lang }, roomId: number, content: string, piiConfirmed: boolean, cid?: string): Screened {
    const verdict = this.deps.policy.evaluate(content, { senderId: sender.userId, roomId });
    for (const flag of verdict.flags) this.deps.events?.policyHit(flag);
    const text = noticeText[sender.lang];
    const notices: NoticePayload[] = [];
    if (verdict.crisis) notices.push(this.crisisNotice(sender.lang));
    if (verdict.action === 'block') {
      // A retry of a refused message (its ack lost with a connection) is refused again without being held,
      // queued or struck a second time: two tries were two strikes, a 24 h mute by default.
      this.background(this.refusedOnce(sender.userId, roomId, cid, content, verdict));
      return { content: verdict.content, flags: verdict.flags, verdict, refused: true, notices };
    }
    // A page that warned before sending says so; the original client never does, so it is told now.
    if (verdict.pii.length > 0 && !piiConfirmed) notices.push({ kind: 'pii', message: text.pii });
    if (verdict.flags.includes('masked')) notices.push({ kind: 'content', message: text.masked });
    return { content: verdict.content, flags: verdict.flags, verdict, refused: false, notices };
  }

  /**
   * Crisis help for a message refused before it is screened (its sender is muted or banned): the help is for
   * the person, whatever becomes of the message. Nothing else is evaluated, counted or queued.
   */
  crisisHelp(lang: Lang, content: string): NoticePayload | undefined {
    if (!this.deps.policy.crisisIn(content)) return undefined;
    return this.crisisNotice(lang);
  }

  /** Crisis help: the lines of the sender's language, and every language's for a page that switches. */
  private crisisNotice(lang: Lang): NoticePayload {
    return crisisNotice(lang, this.deps.hotlines);
  }

  /**
   * After the message is stored: queue entries and strikes. Never throws (failures are logged). The
   * strike names the message and the report it went into (flag first), so a decision upholding that
   * report, or a person's report of only messages struck here, counts no second strike for them; a message
   * whose report could not be filed is struck all the same.
   */
  stored(senderId: string, roomId: number, messageId: number, screened: Screened): void {
    const { verdict } = screened;
    const reason = reviewReason(verdict);
    const queued = reason
      ? this.deps.review
          .flag({
            roomId,
            senderId,
            reason,
            messageId,
            note: flaggedNote(verdict.flags),
            priority: priority(verdict),
            at: this.deps.clock.now(),
          })
          .then(({ filed, reportId }) => {
            this.countReport(filed, reason);
            return reportId;
          })
      : Promise.resolve(null);
    this.background(queued);
    if (verdict.strike) {
      this.background(
        queued.then(
          (reportId) => this.deps.moderation.strike(senderId, 'policy', reportId, messageId),
          () => this.deps.moderation.strike(senderId, 'policy', null, messageId),
        ),
      );
    }
  }

  /**
   * A refused message: kept aside, queued for review, then struck, naming the report it went into. One
   * that could not be kept or queued is struck all the same (as `stored` does): the refusal happened.
   */
  private async refused(senderId: string, roomId: number, content: string, verdict: Verdict): Promise<void> {
    const at = this.deps.clock.now();
    const queued = (async () => {
      const heldId = await this.deps.review.hold({ roomId, senderId, content, reasons: verdict.flags, at });
      const reason = reviewReason(verdict) ?? 'other';
      const { filed, reportId } = await this.deps.review.flag({ roomId, senderId, reason, messageId: null, note: heldNote(heldId), priority: priority(verdict), at });
      this.countReport(filed, reason);
      return reportId;
    })().catch((err: unknown) => {
      this.deps.logger.warn({ err }, 'a refused message could not be kept or queued for review: struck without its report');
      return null;
    });
    const reportId = await queued;
    if (verdict.strike) await this.deps.moderation.strike(senderId, 'policy', reportId);
  }

  /**
   * Records a refused message, unless it is a retry of one refused before: the same sender, chat, `cid` and
   * text, on any instance. Another text under a reused `cid` is a new message. Where the memory cannot be
   * reached (Redis away), it counts as new: a strike too many rather than a refusal unrecorded.
   */
  private async refusedOnce(senderId: string, roomId: number, cid: string | undefined, content: string, verdict: Verdict): Promise<void> {
    if (cid !== undefined) {
      // A digest, not the text: a refused message's words are not kept in Redis.
      const digest = createHash('sha256').update(`${senderId}\u0000${roomId}\u0000${cid}\u0000${content}`).digest('base64url');
      const first = await this.deps.ttlStore.setIfAbsent(`refused:${digest}`, REFUSED_KEPT_MS).catch((err: unknown) => {
        this.deps.logger.warn({ err }, 'could not look whether a refused message was a retry: counted as new');
        return true;
      });
      if (!first) return;
    }
    await this.refused(senderId, roomId, content, verdict);
  }

  /** A report is counted when it is filed, not for each message added to the sender's open one. */
  private countReport(filed: boolean, reason: ReportReason): void {
    if (filed) this.deps.events?.reported(reason, 'system');
  }

  private background(work: Promise<unknown>): void {
    work.catch((err: unknown) => this.deps.logger.warn({ err }, 'recording a content-policy decision failed'));
  }
}

/** Priority in the moderation queue: crisis words go first, refused or not. */
function priority(verdict: Verdict): number {
  return verdict.crisis ? CRISIS_PRIORITY : 0;
}

/** Which report reason a policy decision goes into the queue with, if it goes at all. */
function reviewReason(verdict: Verdict): ReportReason | undefined {
  if (verdict.crisis) return 'self_harm';
  if (verdict.flags.includes('spam')) return 'spam';
  if (verdict.action !== 'allow' && verdict.flags.includes('term')) return 'other';
  if (verdict.action !== 'allow' && verdict.flags.includes('link')) return 'spam';
  return undefined;
}
