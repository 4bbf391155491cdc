import { pageActivity } from "../../../src/events/activity-page";
import { operation, route } from "../../../src/http/route";
import { clientIp, withEventMissLimit } from "../../../src/limits/rate-limit";
import { activityPageResponseSchema, eventParamsSchema, getEventActivityQuerySchema } from "../../../src/schemas/event";

export default route("/api/events/{eventId}/activity", {
  // GET /api/events/:eventId/activity?after=<seq>&limit=<n> – the realtime events after `after`, in order
  GET: operation({
    summary: "The realtime events after a seq, in order (catch up after a gap or a reconnect)",
    auth: "none",
    params: eventParamsSchema,
    query: getEventActivityQuerySchema,
    responses: { 200: activityPageResponseSchema },
    errors: ["not_found", "rate_limited"],
    handler: async ({ params, query, req }) => ({
      // An unknown id counts as a guess toward the per-IP miss limit.
      body: await withEventMissLimit(clientIp(req), () => pageActivity(params.eventId, query.after, query.limit)),
    }),
  }),
});
