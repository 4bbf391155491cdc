import { transitionEvent } from "../../../src/events/lifecycle";
import { serializeEvent } from "../../../src/events/serialize";
import { route } from "../../../src/http/route";
import { eventParamsSchema, updateEventStatusBodySchema } from "../../../src/schemas/event";

// PUT /api/events/:eventId/status – the host starts ({status:"active"}) or ends ({status:"ended"}) the event
export default route({
  PUT: async (ctx) => {
    const host = ctx.claims();
    const { eventId } = ctx.params(eventParamsSchema);
    const { status } = ctx.body(updateEventStatusBodySchema);
    return { body: { event: serializeEvent(await transitionEvent(eventId, host.userId, status)) } };
  },
});
