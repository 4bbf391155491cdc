import { serializeEvent } from "../../../src/events/serialize";
import { operation, route } from "../../../src/http/route";
import { readEventByJoinCodeHealed } from "../../../src/jobs/heal";
import { clientIp, enforceRateLimit, RATE_LIMITS, withEventMissLimit } from "../../../src/limits/rate-limit";
import { eventResponseSchema, getEventByJoinCodeParamsSchema } from "../../../src/schemas/event";

export default route("/api/events/event/{joinCode}", {
  // GET /api/events/event/:joinCode – the event a join code belongs to, public (guesses limited per IP)
  GET: operation({
    summary: "The event a join code belongs to, public (look-ups and misses limited per IP)",
    auth: "none",
    params: getEventByJoinCodeParamsSchema,
    responses: { 200: eventResponseSchema },
    errors: ["not_found", "rate_limited"],
    handler: async ({ params: { joinCode }, req }) => {
      const ip = clientIp(req);
      await enforceRateLimit(RATE_LIMITS.eventLookupsPerIp, ip);
      const { event, lobby } = await withEventMissLimit(ip, () => readEventByJoinCodeHealed(joinCode));
      return { body: { event: serializeEvent(event, lobby) } };
    },
  }),
});
