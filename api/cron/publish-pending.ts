import { finishEventDeletions } from "../../src/events/delete-event";
import { deleteExpiredIdempotencyKeys } from "../../src/http/idempotency";
import { deleteExpiredRateLimitWindows } from "../../src/http/rate-limit";
import { operation, route } from "../../src/http/route";
import { deliverStaleActivity } from "../../src/realtime/activity";
import { publishPendingResponseSchema } from "../../src/schemas/health";

export default route("/api/cron/publish-pending", {
  // GET /api/cron/publish-pending – Vercel Cron: publish realtime events no write managed to send; finish deletions; drop old rate-limit windows and idempotency keys
  GET: operation({
    summary:
      "Vercel Cron: publish realtime events no write managed to send; finish deletions; drop old rate-limit windows and idempotency keys",
    auth: "cron",
    responses: { 200: publishPendingResponseSchema },
    handler: async () => {
      const delivered = await deliverStaleActivity();
      return {
        body: {
          ...delivered,
          deletedEvents: await finishEventDeletions(),
          expiredRateLimitWindows: await deleteExpiredRateLimitWindows(),
          expiredIdempotencyKeys: await deleteExpiredIdempotencyKeys(),
        },
      };
    },
  }),
});
