import { deleteExpiredIdempotencyKeys } from "../http/idempotency";
import { deleteExpiredRateLimitWindows } from "../limits/rate-limit";
import { resendDue } from "../realtime/outbox";
import { auditQuietEvents } from "./audit";
import { finishEventDeletions } from "./finish-deletions";

export interface CronReport {
  /** Events whose unsent activity was published. */
  events: number;
  /** Activity entries published. */
  published: number;
  deletedEvents: number;
  expiredRateLimitWindows: number;
  expiredIdempotencyKeys: number;
}

/**
 * Everything the cron function does, in order: audits quiet events, then claims and publishes the
 * unsent activity that is due (refused entries at once, timed-out ones after RETRY_AFTER_MS, and
 * what the audits rebuilt), finishes deletions, and drops expired rate-limit windows and
 * idempotency keys.
 */
export async function runCron(now = Date.now()): Promise<CronReport> {
  await auditQuietEvents(now);
  const resent = await resendDue({}, now);
  return {
    events: resent.size,
    published: [...resent.values()].reduce((sum, n) => sum + n, 0),
    deletedEvents: await finishEventDeletions(),
    expiredRateLimitWindows: await deleteExpiredRateLimitWindows(),
    expiredIdempotencyKeys: await deleteExpiredIdempotencyKeys(),
  };
}
