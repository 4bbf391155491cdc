import { requireCronSecret } from "../../src/auth/cron";
import { route } from "../../src/http/route";
import { deliverStaleActivity } from "../../src/realtime/activity";

// GET /api/cron/publish-pending – Vercel Cron: publish realtime events that no write managed to send
export default route({
  GET: async (ctx) => {
    requireCronSecret(ctx.req.headers.authorization);
    return { body: await deliverStaleActivity() };
  },
});
