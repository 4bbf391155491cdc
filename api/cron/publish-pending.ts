import { operation, route } from "../../src/http/route";
import { runCron } from "../../src/jobs/cron";
import { publishPendingResponseSchema } from "../../src/schemas/health";

export default route("/api/cron/publish-pending", {
  // GET /api/cron/publish-pending – Vercel Cron: publish realtime events no write managed to send; finish deletions; drop old rate-limit windows and idempotency keys
  GET: operation({
    summary:
      "Vercel Cron: publish realtime events no write managed to send; finish deletions; drop old rate-limit windows and idempotency keys",
    auth: "cron",
    responses: { 200: publishPendingResponseSchema },
    handler: async () => ({ body: await runCron() }),
  }),
});
