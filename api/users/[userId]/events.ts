import { listJoinedEvents } from "../../../src/events/event-lists";
import { operation, route } from "../../../src/http/route";
import { eventListResponseSchema, listEventsParamsSchema, listEventsQuerySchema } from "../../../src/schemas/event";

export default route("/api/users/{userId}/events", {
  // GET /api/users/:userId/events – the events you joined, newest first, paged (the mobile app's Events tab)
  GET: operation({
    summary:
      "The events you joined, newest first, paged with ?limit= and ?cursor=<nextCursor> (the mobile app's Events tab)",
    auth: "user",
    params: listEventsParamsSchema,
    query: listEventsQuerySchema,
    responses: { 200: eventListResponseSchema },
    errors: ["forbidden"],
    handler: async ({ params, query, claims }) => ({ body: await listJoinedEvents(claims, params.userId, query) }),
  }),
});
