import { getEventByJoinCodeOrThrow, getLobby } from "../../../src/events/event-store";
import { serializeEvent } from "../../../src/events/serialize";
import { operation, route } from "../../../src/http/route";
import { healedEvent } from "../../../src/jobs/heal";
import { clientIp, readWithinEventMissLimit } from "../../../src/limits/rate-limit";
import { eventResponseSchema, getEventByJoinCodeParamsSchema } from "../../../src/schemas/event";

export default route("/api/events/event/{joinCode}", {
  // GET /api/events/event/:joinCode – the event a join code belongs to, public (guesses limited per IP)
  GET: operation({
    summary: "The event a join code belongs to, public (misses limited per IP)",
    auth: "none",
    params: getEventByJoinCodeParamsSchema,
    responses: { 200: eventResponseSchema },
    errors: ["not_found", "rate_limited"],
    handler: async ({ params: { joinCode }, req }) => {
      // Only misses are counted (docs/limits.md): a hit reads the event (healed first when a write
      // of it was cut), then its lobby, and nothing for the limit.
      const body = await readWithinEventMissLimit(
        clientIp(req),
        () => getEventByJoinCodeOrThrow(joinCode),
        async (read) => {
          const event = await healedEvent(read, () => getEventByJoinCodeOrThrow(joinCode));
          return { event: serializeEvent(event, await getLobby(event._id)) };
        },
      );
      return { body };
    },
  }),
});
