import { getEventByJoinCodeOrThrow } from "../../../src/events/event-store";
import { serializeEvent } from "../../../src/events/serialize";
import { operation, route } from "../../../src/http/route";
import { eventResponseSchema, getEventByJoinCodeParamsSchema } from "../../../src/schemas/event";

export default route("/api/events/event/{joinCode}", {
  // GET /api/events/event/:joinCode – the event a join code belongs to, public
  GET: operation({
    summary: "The event a join code belongs to, public",
    auth: "none",
    params: getEventByJoinCodeParamsSchema,
    responses: { 200: eventResponseSchema },
    errors: ["not_found"],
    handler: async ({ params }) => {
      const { event, lobby } = await getEventByJoinCodeOrThrow(params.joinCode);
      return { body: { event: serializeEvent(event, lobby) } };
    },
  }),
});
