/** Live figures for the waiting screen and the admin dashboard. Cluster-wide once Redis backs them. */
export interface LiveStats {
  /** Connected clients right now. */
  onlineCount(): Promise<number>;
  /** People waiting for a match right now. */
  waitingCount(): Promise<number>;
}
