import { route } from "../../../src/http/route";
import { pageActivity } from "../../../src/realtime/activity";
import { getEventActivityQuerySchema } from "../../../src/schemas/event";

// GET /api/events/:eventId/activity?after=<seq>&limit=<n> – the realtime events after `after`, in order
export default route({
  GET: async (ctx) => {
    const { eventId, after, limit } = ctx.params(getEventActivityQuerySchema);
    return { body: await pageActivity(eventId, after, limit) };
  },
});
