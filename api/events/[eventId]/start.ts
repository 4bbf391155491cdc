import { transitionEvent } from "../../../src/events/lifecycle";
import { serializeEvent } from "../../../src/events/serialize";
import { operation, route } from "../../../src/http/route";
import { eventParamsSchema, eventResponseSchema } from "../../../src/schemas/event";

export default route("/api/events/{eventId}/start", {
  // POST /api/events/:eventId/start – the host moves the event to active
  POST: operation({
    summary: "The host moves the event to active",
    auth: "user",
    params: eventParamsSchema,
    responses: { 200: eventResponseSchema },
    errors: ["forbidden", "not_found", "invalid_transition"],
    handler: async ({ params, claims }) => ({
      body: { event: serializeEvent(await transitionEvent(params.eventId, claims.userId, "active")) },
    }),
  }),
});
