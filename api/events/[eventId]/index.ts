import { getEventOrThrow } from "../../../src/events/event-store";
import { serializeEvent } from "../../../src/events/serialize";
import { route } from "../../../src/http/route";
import { eventParamsSchema } from "../../../src/schemas/event";

// GET /api/events/:eventId – an event and its lobby, public
export default route({
  GET: async (ctx) => {
    const { eventId } = ctx.params(eventParamsSchema);
    const { event, lobby } = await getEventOrThrow(eventId);
    return { body: { event: serializeEvent(event, lobby) } };
  },
});
