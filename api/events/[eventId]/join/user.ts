import { signToken } from "../../../../src/auth/tokens";
import { joinEventAsUser } from "../../../../src/events/join-event";
import { serializeParticipant } from "../../../../src/events/serialize";
import { clientIp, withEventMissLimit } from "../../../../src/http/rate-limit";
import { route } from "../../../../src/http/route";
import { eventParamsSchema } from "../../../../src/schemas/event";
import { joinEventUserBodySchema } from "../../../../src/schemas/join";

// POST /api/events/:eventId/join/user – the signed-in user joins (again: 200 with alreadyJoined); a guest gets a fresh token
export default route({
  POST: async (ctx) => {
    const claims = ctx.claims();
    const { eventId } = ctx.params(eventParamsSchema);
    const input = ctx.body(joinEventUserBodySchema);
    const { participant, created } = await withEventMissLimit(clientIp(ctx.req), () =>
      joinEventAsUser(eventId, claims, input),
    );
    const body = {
      participant: serializeParticipant(eventId, participant),
      // The app stores a token from this answer when a returning guest joins another event.
      ...(claims.kind === "guest" ? { token: signToken(claims) } : {}),
    };
    return created ? { status: 201, body } : { body: { ...body, alreadyJoined: true } };
  },
});
