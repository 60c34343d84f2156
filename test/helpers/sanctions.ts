/**
 * A mute nobody was told of: stored and put straight into the server's enforcement cache, with no event on
 * the moderation bus — as for a person whose connection was away when it came (or a page that missed it).
 */
import { SanctionRepository, type Sanction } from '../../src/moderation/sanction-repository.js';
import type { TestServer } from './server.js';

export async function untoldMute(server: TestServer, userId: string, forMs = 600_000): Promise<Sanction> {
  const mute = await new SanctionRepository(server.database).insert({
    userId,
    networkHash: null,
    kind: 'muted',
    reason: 'spam',
    startsAt: new Date(),
    endsAt: new Date(Date.now() + forMs),
    createdBy: 'admin',
    reportId: null,
  });
  server.app.moderation.sanctionCache.put(mute);
  return mute;
}
