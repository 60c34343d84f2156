/**
 * Open connections per client address and per identity, counted in this process. Keys disappear
 * when their count returns to zero, so memory follows the live connections.
 */
export class ConnectionLimits {
  private readonly byAddress = new Map<string, number>();
  private readonly byIdentity = new Map<string, number>();

  constructor(private readonly limits: { maxPerAddress: number; maxPerIdentity: number }) {}

  /** Counts a new connection if both limits allow it. */
  tryOpen(address: string, userId: string): boolean {
    if ((this.byAddress.get(address) ?? 0) >= this.limits.maxPerAddress) return false;
    if ((this.byIdentity.get(userId) ?? 0) >= this.limits.maxPerIdentity) return false;
    increment(this.byAddress, address, 1);
    increment(this.byIdentity, userId, 1);
    return true;
  }

  close(address: string, userId: string): void {
    increment(this.byAddress, address, -1);
    increment(this.byIdentity, userId, -1);
  }

  /**
   * Identities with an open connection here: the people connected to this instance ("online now"; two tabs
   * are one person). The cluster adds up each instance's, so a person with tabs on two instances counts twice.
   */
  get identities(): number {
    return this.byIdentity.size;
  }

  get trackedKeys(): number {
    return this.byAddress.size + this.byIdentity.size;
  }
}

function increment(map: Map<string, number>, key: string, by: number): void {
  const next = (map.get(key) ?? 0) + by;
  if (next <= 0) map.delete(key);
  else map.set(key, next);
}
