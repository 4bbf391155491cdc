import { transitionEvent } from "../../../src/events/lifecycle";
import { serializeEvent } from "../../../src/events/serialize";
import { operation, route } from "../../../src/http/route";
import { eventParamsSchema, eventResponseSchema, updateEventStatusBodySchema } from "../../../src/schemas/event";

export default route("/api/events/{eventId}/status", {
  // PUT /api/events/:eventId/status – the host starts ({status:"active"}) or ends ({status:"ended"}) the event
  PUT: operation({
    summary: 'The host starts ({status:"active"}) or ends ({status:"ended"}) the event',
    auth: "user",
    params: eventParamsSchema,
    body: updateEventStatusBodySchema,
    responses: { 200: eventResponseSchema },
    errors: ["forbidden", "not_found", "invalid_transition"],
    handler: async ({ params, claims, body }) => ({
      body: { event: serializeEvent(await transitionEvent(params.eventId, claims.userId, body.status)) },
    }),
  }),
});
