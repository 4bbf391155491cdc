import { leaveEvent } from "../../../src/events/leave-event";
import { serializeParticipant } from "../../../src/events/serialize";
import { operation, route } from "../../../src/http/route";
import { eventParamsSchema } from "../../../src/schemas/event";
import { leaveEventResponseSchema } from "../../../src/schemas/join";

export default route("/api/events/{eventId}/leave", {
  // POST /api/events/:eventId/leave – the caller leaves an event that has not ended: frees the seat and the name
  POST: operation({
    summary: "The caller leaves an event that has not ended: frees the seat and the name; publishes participant-left",
    auth: "user",
    params: eventParamsSchema,
    responses: { 200: leaveEventResponseSchema },
    errors: ["forbidden", "not_found", "event_ended"],
    handler: async ({ params, claims }) => ({
      body: { participant: serializeParticipant(params.eventId, await leaveEvent(params.eventId, claims.userId)) },
    }),
  }),
});
