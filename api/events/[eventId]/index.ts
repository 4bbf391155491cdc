import { deleteEvent } from "../../../src/events/delete-event";
import { updateEvent } from "../../../src/events/edit-event";
import { getEventOrThrow } from "../../../src/events/event-store";
import { serializeEvent } from "../../../src/events/serialize";
import { operation, route } from "../../../src/http/route";
import {
  deleteEventResponseSchema,
  eventParamsSchema,
  eventResponseSchema,
  updateEventBodySchema,
} from "../../../src/schemas/event";

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
