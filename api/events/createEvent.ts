import { createEvent } from "../../src/events/event-store";
import { serializeEvent } from "../../src/events/serialize";
import { operation, route } from "../../src/http/route";
import { createEventBodySchema, eventResponseSchema } from "../../src/schemas/event";

export default route("/api/events/createEvent", {
  // POST /api/events/createEvent – a registered user creates a pending event and becomes its host
  POST: operation({
    summary: "A registered user creates a pending event and becomes its host",
    auth: "registered",
    body: createEventBodySchema,
    responses: { 201: eventResponseSchema },
    idempotent: true,
    handler: async ({ claims, body, newId }) => ({
      body: { event: serializeEvent(await createEvent(claims.userId, body, newId()), []) },
    }),
  }),
});
