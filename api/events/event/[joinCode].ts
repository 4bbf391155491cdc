import { getEventByJoinCodeOrThrow } from "../../../src/events/event-store";
import { serializeEvent } from "../../../src/events/serialize";
import { clientIp, enforceRateLimit, RATE_LIMITS, withEventMissLimit } from "../../../src/http/rate-limit";
import { route } from "../../../src/http/route";
import { getEventByJoinCodeParamsSchema } from "../../../src/schemas/event";

// GET /api/events/event/:joinCode – the event a join code belongs to, public (guesses limited per IP)
export default route({
  GET: async (ctx) => {
    const { joinCode } = ctx.params(getEventByJoinCodeParamsSchema);
    const ip = clientIp(ctx.req);
    await enforceRateLimit(RATE_LIMITS.eventLookupsPerIp, ip);
    const { event, lobby } = await withEventMissLimit(ip, () => getEventByJoinCodeOrThrow(joinCode));
    return { body: { event: serializeEvent(event, lobby) } };
  },
});
