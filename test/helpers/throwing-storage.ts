import type { DraftStorage } from '../../web/admin/src/form-draft.js';

/** Storage that refuses everything, as a blocked (SecurityError) or full (QuotaExceededError) one does. */
export const THROWING_STORAGE: DraftStorage = {
  getItem: () => {
    throw new Error('SecurityError');
  },
  setItem: () => {
    throw new Error('QuotaExceededError');
  },
  removeItem: () => {
    throw new Error('SecurityError');
  },
};
