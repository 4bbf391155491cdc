import { ApiError } from "../../src/errors";
import { createEvent } from "../../src/events/event-store";
import { serializeEvent } from "../../src/events/serialize";
import { route } from "../../src/http/route";
import { createEventBodySchema } from "../../src/schemas/event";

// POST /api/events/createEvent – a registered user creates a pending event and becomes its host
export default route({
  POST: async (ctx) => {
    const host = ctx.claims();
    if (host.kind === "guest") throw new ApiError("forbidden", "Guests cannot create events; sign up first.");
    const event = await createEvent(host.userId, ctx.body(createEventBodySchema));
    return { status: 201, body: { event: serializeEvent(event, []) } };
  },
});
