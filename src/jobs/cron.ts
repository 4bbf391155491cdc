import { deleteExpiredIdempotencyKeys } from "../http/idempotency";
import { deleteExpiredRateLimitWindows } from "../limits/rate-limit";
import { resendDue } from "../realtime/outbox";
import { auditQuietEvents } from "./audit";
import { expireGuests } from "./expire-guests";
import { finishAccountDeletions } from "./finish-account-deletions";
import { finishEventDeletions } from "./finish-deletions";

export interface CronReport {
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
 * Everything the cron function does, in order: audits quiet events, then claims and publishes the
 * unsent activity that is due (refused entries at once, timed-out ones after RETRY_AFTER_MS, and
 * what the audits rebuilt), finishes event and account deletions, deletes guests past retention,
 * and drops expired rate-limit windows and idempotency keys.
 */
export async function runCron(now = Date.now()): Promise<CronReport> {
  await auditQuietEvents(now);
  const resent = await resendDue({}, now);
  return {
    events: resent.size,
    published: [...resent.values()].reduce((sum, n) => sum + n, 0),
    deletedEvents: await finishEventDeletions(),
    deletedAccounts: await finishAccountDeletions(now),
    expiredGuests: await expireGuests(now),
    expiredRateLimitWindows: await deleteExpiredRateLimitWindows(),
    expiredIdempotencyKeys: await deleteExpiredIdempotencyKeys(),
  };
}
