import { transitionEvent } from "../../../src/events/lifecycle";
import { serializeEvent } from "../../../src/events/serialize";
import { route } from "../../../src/http/route";
import { eventParamsSchema } from "../../../src/schemas/event";

// POST /api/events/:eventId/end – the host moves the event to ended
export default route({
  POST: async (ctx) => {
    const host = ctx.claims();
    const { eventId } = ctx.params(eventParamsSchema);
    return { body: { event: serializeEvent(await transitionEvent(eventId, host.userId, "ended")) } };
  },
});
