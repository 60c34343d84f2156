/**
 * The key of the random "epoch" value every cluster keeps in Redis: set once, gone only when Redis lost its
 * data (restarted empty). Presence checks it at each heartbeat to restore its people; the activity registry
 * checks it when a person this instance holds reads as gone, to tell a loss from an end elsewhere.
 */
export const epochKey = (prefix: string): string => `${prefix}epoch`;
