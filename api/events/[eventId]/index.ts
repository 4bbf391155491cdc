import { deleteEvent } from "../../../src/events/delete-event";
import { updateEvent } from "../../../src/events/edit-event";
import { eventForCaller } from "../../../src/events/event-view";
import { serializeEvent } from "../../../src/events/serialize";
import { operation, route } from "../../../src/http/route";
import { readEventHealed } from "../../../src/jobs/heal";
import { clientIp, withEventMissLimit } from "../../../src/limits/rate-limit";
import {
  deleteEventResponseSchema,
  eventParamsSchema,
  eventResponseSchema,
  updateEventBodySchema,
} from "../../../src/schemas/event";

export default route("/api/events/{eventId}", {
  // GET /api/events/:eventId – an event and its lobby, public; the joinCode only for the host and participants (unknown ids count as guesses)
  GET: operation({
    summary:
      "An event and its lobby, public; the joinCode only for the host and the event's participants (misses limited per IP)",
    auth: "optional",
    params: eventParamsSchema,
    responses: { 200: eventResponseSchema },
    errors: ["not_found", "rate_limited"],
    handler: async ({ params, claims, req }) => {
      const read = await withEventMissLimit(clientIp(req), () => readEventHealed(params.eventId));
      return { body: { event: await eventForCaller(read, claims) } };
    },
  }),
  // PUT /api/events/:eventId – the host edits an event that has not ended; fields left out are kept
  PUT: operation({
    summary:
      "The host edits an event that has not ended; fields left out are kept, maxParticipant null removes the limit",
    auth: "user",
    params: eventParamsSchema,
    body: updateEventBodySchema,
    responses: { 200: eventResponseSchema },
    errors: ["forbidden", "not_found", "event_ended", "event_not_pending", "participant_limit_too_low"],
    handler: async ({ params, claims, body }) => ({
      body: { event: serializeEvent(await updateEvent(params.eventId, claims.userId, body)) },
    }),
  }),
  // DELETE /api/events/:eventId – the host deletes the event and everything in it; publishes event-deleted
  DELETE: operation({
    summary: "The host deletes the event and everything in it, in any state; publishes event-deleted",
    auth: "user",
    params: eventParamsSchema,
    responses: { 200: deleteEventResponseSchema },
    errors: ["forbidden", "not_found"],
    handler: async ({ params, claims }) => {
      await deleteEvent(params.eventId, claims.userId);
      return { body: { eventId: params.eventId } };
    },
  }),
});
