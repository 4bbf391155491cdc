import { env } from "../env";
import { deleteExpiredIdempotencyKeys } from "../http/idempotency";
import { deleteExpiredRateLimitWindows } from "../limits/rate-limit";
import { resendDue } from "../realtime/resend";
import { expireGuests } from "./expire-guests";
import { finishAccountDeletions } from "./finish-account-deletions";
import { finishEventDeletions } from "./finish-deletions";
import { drainRepairs } from "./heal";
import { markUnloggedTransitions } from "./unlogged-transitions";

// The repairs stop after this share of the request budget, so that the rest of the run (re-sends,
// deletions, expiry: each one bounded batch) and the answer fit in it, even with runs at once.
const REPAIR_SHARE_OF_BUDGET = 0.5;

export interface CronReport {
  /** Events whose cut write this run repaired (jobs/heal.ts). */
  repaired: number;
  /** Events still waiting for a repair when it stopped: the next run's (or a request's). */
  repairsLeft: number;
  /** Events whose unsent activity was published. */
  events: number;
  /** Activity entries published. */
  published: number;
  deletedEvents: number;
  /** Account deletions finished (their request died halfway). */
  deletedAccounts: number;
  /** Guest accounts past GUEST_RETENTION_DAYS, deleted. */
  expiredGuests: number;
  expiredRateLimitWindows: number;
  expiredIdempotencyKeys: number;
}

/**
 * Everything the cron function does, in order: repairs quiet events with a cut write, oldest
 * first, for at most half the request budget (drainRepairs), then claims and publishes the
 * unsent activity that is due (refused entries at once, timed-out ones after RETRY_AFTER_MS, and
 * what the audits rebuilt), finishes event and account deletions, deletes guests past retention,
 * and drops expired rate-limit windows and idempotency keys.
 */
export async function runCron(now = Date.now()): Promise<CronReport> {
  await markUnloggedTransitions(now);
  const repairs = await drainRepairs(now + env.REQUEST_BUDGET_MS * REPAIR_SHARE_OF_BUDGET);
  // As of now, not of the run's start: what the repairs rebuilt is due from when they logged it.
  const resent = await resendDue({}, Date.now());
  return {
    repaired: repairs.repaired,
    repairsLeft: repairs.left,
    events: resent.size,
    published: [...resent.values()].reduce((sum, n) => sum + n, 0),
    deletedEvents: await finishEventDeletions(),
    deletedAccounts: await finishAccountDeletions(now),
    expiredGuests: await expireGuests(now),
    expiredRateLimitWindows: await deleteExpiredRateLimitWindows(),
    expiredIdempotencyKeys: await deleteExpiredIdempotencyKeys(),
  };
}
