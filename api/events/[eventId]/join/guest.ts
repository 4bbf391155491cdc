import { signToken } from "../../../../src/auth/tokens";
import { joinEventAsGuest } from "../../../../src/events/join-event";
import { serializeParticipant } from "../../../../src/events/serialize";
import { clientIp, enforceRateLimit, RATE_LIMITS, withEventMissLimit } from "../../../../src/http/rate-limit";
import { route } from "../../../../src/http/route";
import { eventParamsSchema } from "../../../../src/schemas/event";
import { joinEventGuestBodySchema } from "../../../../src/schemas/join";

// POST /api/events/:eventId/join/guest – join without an account; answers with a guest token (rate-limited per IP, unknown events count as guesses)
export default route({
  POST: async (ctx) => {
    const { eventId } = ctx.params(eventParamsSchema);
    const input = ctx.body(joinEventGuestBodySchema);
    const ip = clientIp(ctx.req);
    await enforceRateLimit(RATE_LIMITS.guestJoinPerIp, ip);
    const { participant, created, userId } = await withEventMissLimit(ip, () =>
      joinEventAsGuest(eventId, ctx.optionalClaims(), input),
    );
    const body = {
      participant: serializeParticipant(eventId, participant),
      userId,
      token: signToken({ userId, kind: "guest" }),
    };
    return created ? { status: 201, body } : { body: { ...body, alreadyJoined: true } };
  },
});
