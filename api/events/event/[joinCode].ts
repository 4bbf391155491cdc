import { getEventByJoinCodeOrThrow } from "../../../src/events/event-store";
import { serializeEvent } from "../../../src/events/serialize";
import { route } from "../../../src/http/route";
import { getEventByJoinCodeParamsSchema } from "../../../src/schemas/event";

// GET /api/events/event/:joinCode – the event a join code belongs to, public
export default route({
  GET: async (ctx) => {
    const { joinCode } = ctx.params(getEventByJoinCodeParamsSchema);
    const { event, lobby } = await getEventByJoinCodeOrThrow(joinCode);
    return { body: { event: serializeEvent(event, lobby) } };
  },
});
