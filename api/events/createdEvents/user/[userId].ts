import { listHostedEvents } from "../../../../src/events/event-lists";
import { operation, route } from "../../../../src/http/route";
import { eventListResponseSchema, listEventsParamsSchema, listEventsQuerySchema } from "../../../../src/schemas/event";

export default route("/api/events/createdEvents/user/{userId}", {
  // GET /api/events/createdEvents/user/:userId – the events you host, newest first, paged (the dashboard's list)
  GET: operation({
    summary: "The events you host, newest first, paged with ?limit= and ?cursor=<nextCursor> (the dashboard's list)",
    auth: "user",
    params: listEventsParamsSchema,
    query: listEventsQuerySchema,
    responses: { 200: eventListResponseSchema },
    errors: ["forbidden"],
    handler: async ({ params, query, claims }) => ({ body: await listHostedEvents(claims, params.userId, query) }),
  }),
});
