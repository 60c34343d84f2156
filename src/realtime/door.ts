/**
 * What a person passes before they may meet anyone — `join_queue`, `create_private`, `join_private`: not
 * banned, within the join limits, the rules accepted, the bot challenge solved if asked. Cheapest first:
 * memory (a ban), then the join limits (one limiter take), then what may read the database (the rules) or
 * the challenge store — so a client that knocks over and over without accepting the rules is stopped by
 * its join budget before each knock costs a query.
 */
import type { BotChallenge } from '../door/bot-challenge.js';
import type { RulesGate } from '../door/rules.js';
import type { ModerationService } from '../moderation/moderation-service.js';
import { actorOf, type FloodControl } from './flood-control.js';
import type { ChatSocket } from './types.js';

export interface DoorDeps {
  moderation: Pick<ModerationService, 'assertMayJoin'>;
  rules: Pick<RulesGate, 'assertAccepted'>;
  challenge: Pick<BotChallenge, 'checkJoin'>;
  flood: Pick<FloodControl, 'checkJoin' | 'joined'>;
}

export async function passDoor(deps: DoorDeps, socket: ChatSocket): Promise<void> {
  deps.moderation.assertMayJoin(socket.data.userId, socket.data.address);
  await deps.flood.checkJoin(actorOf(socket));
  await deps.rules.assertAccepted(socket.data.userId);
  await deps.challenge.checkJoin(socket.data.userId, socket.data.address);
  await deps.flood.joined(actorOf(socket));
}
