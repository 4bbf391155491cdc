import { getEventOrThrow } from "../../../src/events/event-store";
import { serializeEvent } from "../../../src/events/serialize";
import { operation, route } from "../../../src/http/route";
import { eventParamsSchema, eventResponseSchema } from "../../../src/schemas/event";

export default route("/api/events/{eventId}", {
  // GET /api/events/:eventId – an event and its lobby, public
  GET: operation({
    summary: "An event and its lobby, public",
    auth: "none",
    params: eventParamsSchema,
    responses: { 200: eventResponseSchema },
    errors: ["not_found"],
    handler: async ({ params }) => {
      const { event, lobby } = await getEventOrThrow(params.eventId);
      return { body: { event: serializeEvent(event, lobby) } };
    },
  }),
});
