/** What the dashboard needs to know of a plan beyond its answer (model/api.ts has the shapes). */
import type { StoredPlan } from '../../src/model/api';
import { serverNow } from './format';

/** Past its expiry by the server's clock: it can no longer be approved or run. */
export function planExpired(plan: Pick<StoredPlan, 'expiresAt'>): boolean {
  return Date.parse(plan.expiresAt) <= serverNow();
}
