/**
 * Sanctions reach people, on every instance: whenever one is issued or lifted anywhere (the moderation
 * bus), this instance tells its own connections it concerns (`sanction {kind, reason, until}`: the longest of
 * that kind in force, or `lifted` when none is left); a ban ends the identity's chat or wait at once (the
 * partner sees an ordinary goodbye), a mute its wait (a chat going on goes on). A moderator's offer of
 * support reaches people the same way: every instance shows the crisis help card (`notice {kind:
 * 'crisis'}`) on the person's connections it holds; one that nobody could be shown waits for the person's
 * next connection (the chat gateway shows it then).
 */
import type { Logger } from 'pino';
import type { ChatService } from '../chat/chat-service.js';
import type { ModerationService } from '../moderation/moderation-service.js';
import { isActive, type Sanction } from '../moderation/sanction-repository.js';
import { AUTOMATIC_SANCTION_REASON, NETWORK_SANCTION_REASON, type SanctionPayload } from '../shared/protocol.js';
import { formatIso } from '../shared/time.js';
import type { ChatServer, ChatSocket } from './types.js';

export interface EnforcementDeps {
  moderation: ModerationService;
  chat: ChatService;
  timezone: string;
  now: () => Date;
  logger: Logger;
}

/**
 * What `holder` is told of a sanction. An automatic one's reason is the code `rule_breaks` (the page names
 * it in the person's language); its stored reason ("automatic: 3 strikes in 30 days") is for the admins.
 * One that reaches them only through their network (issued to another identity, or to the network alone)
 * is told as `shared_network`: its reason is about someone else, who may be a stranger sharing the
 * address (a school, a mobile carrier's NAT).
 */
export function sanctionPayload(sanction: Sanction, timezone: string, holder: string, lifted = false): SanctionPayload {
  return {
    kind: sanction.kind,
    reason: sanction.userId === holder ? toldReason(sanction) : NETWORK_SANCTION_REASON,
    ...(sanction.endsAt ? { until: formatIso(sanction.endsAt, timezone) } : {}),
    ...(lifted ? { lifted: true as const } : {}),
  };
}

function toldReason(sanction: Sanction): string {
  if (sanction.createdBy === 'automatic') return AUTOMATIC_SANCTION_REASON;
  // Stored before a decision without a note kept the report's reason as its code: "report #10: harassment".
  const stored = sanction.reportId === null ? undefined : /^report #\d+: ([a-z_]+)$/.exec(sanction.reason)?.[1];
  return stored ?? sanction.reason;
}

export function attachSanctionEnforcement(io: ChatServer, deps: EnforcementDeps): void {
  const { moderation, chat, timezone, logger } = deps;
  moderation.onSanction((sanction) => {
    const inForce = isActive(sanction, deps.now());
    const concerned = localSocketsOf(io, sanction);
    for (const socket of concerned) {
      // The page shows one sanction per kind: the longest of that kind still in force (a new warning is
      // shown itself, for its reason), or, when none is left, that the kind was lifted.
      const longest = moderation.sanctionOf(socket.data.userId, socket.data.address, sanction.kind);
      const shown = inForce && sanction.kind === 'warning' ? sanction : longest;
      const holder = socket.data.userId;
      socket.emit('sanction', shown ? sanctionPayload(shown, timezone, holder) : sanctionPayload(sanction, timezone, holder, true));
    }
    if (!inForce || sanction.kind === 'warning') return;
    // The identity's activity may be held here, on another instance, or by no connection at all (its
    // grace period): every instance tries, exactly one succeeds.
    const users = new Set(concerned.map((s) => s.data.userId));
    if (sanction.userId !== null) users.add(sanction.userId);
    for (const userId of users) {
      if (sanction.kind === 'banned') chat.evict(userId, 'banned').catch((err: unknown) => logger.warn({ err }, 'ending a banned person’s chat failed'));
      // A mute ends a wait (it would make a chat the person cannot speak in); a chat going on goes on.
      else chat.endWait(userId).catch((err: unknown) => logger.warn({ err }, 'ending a muted person’s wait failed'));
    }
  });
  moderation.support.onOffer((offer) => {
    // By identity only: a network's other people are strangers to the report.
    let shown = 0;
    for (const socket of io.of('/').sockets.values()) {
      if (socket.data.userId !== offer.userId) continue;
      socket.emit('notice', offer.notice(socket.data.lang));
      shown += 1;
    }
    return shown;
  });
}

function localSocketsOf(io: ChatServer, sanction: Sanction): ChatSocket[] {
  const found: ChatSocket[] = [];
  for (const socket of io.of('/').sockets.values()) {
    if (sanction.userId !== null && socket.data.userId === sanction.userId) found.push(socket);
    // `socket.data.address` is already the network's hash.
    else if (sanction.networkHash !== null && socket.data.address === sanction.networkHash) found.push(socket);
  }
  return found;
}
