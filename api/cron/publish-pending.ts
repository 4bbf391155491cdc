import { requireCronSecret } from "../../src/auth/cron";
import { deleteExpiredRateLimitWindows } from "../../src/http/rate-limit";
import { route } from "../../src/http/route";
import { deliverStaleActivity } from "../../src/realtime/activity";

// GET /api/cron/publish-pending – Vercel Cron: publish realtime events no write managed to send; drop old rate-limit windows
export default route({
  GET: async (ctx) => {
    requireCronSecret(ctx.req.headers.authorization);
    const delivered = await deliverStaleActivity();
    return { body: { ...delivered, expiredRateLimitWindows: await deleteExpiredRateLimitWindows() } };
  },
});
