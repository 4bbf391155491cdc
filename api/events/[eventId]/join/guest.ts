import { signToken } from "../../../../src/auth/tokens";
import { joinEventAsGuest } from "../../../../src/events/join-event";
import { serializeParticipant } from "../../../../src/events/serialize";
import { operation, route } from "../../../../src/http/route";
import { joinHealed } from "../../../../src/jobs/heal";
import { clientIp, countGuestJoin, withEventMissLimit } from "../../../../src/limits/rate-limit";
import { eventParamsSchema } from "../../../../src/schemas/event";
import {
  joinEventGuestBodySchema,
  joinEventGuestResponseSchema,
  rejoinEventGuestResponseSchema,
} from "../../../../src/schemas/join";

export default route("/api/events/{eventId}/join/guest", {
  // POST /api/events/:eventId/join/guest – join without an account; answers with a guest token (rate-limited per IP, unknown events count as guesses)
  POST: operation({
    summary:
      "Join without an account; answers with a guest token (a guest's token is reused; rate-limited per IP, unknown events count as guesses)",
    auth: "optional",
    params: eventParamsSchema,
    body: joinEventGuestBodySchema,
    responses: { 201: joinEventGuestResponseSchema, 200: rejoinEventGuestResponseSchema },
    errors: ["event_full", "not_found", "event_ended", "rate_limited", "banned", "joins_locked", "guests_not_allowed"],
    idempotent: true,
    // One command: the IP's guest joins this minute and its event misses (docs/limits.md).
    limit: ({ req }) => countGuestJoin(clientIp(req)),
    handler: async ({ params: { eventId }, claims, body, req, newId }) => {
      const { participant, created, userId } = await withEventMissLimit(clientIp(req), () =>
        joinHealed(eventId, () => joinEventAsGuest(eventId, claims, body, newId())),
      );
      const joined = {
        participant: serializeParticipant(eventId, participant),
        userId,
        token: signToken({ userId, kind: "guest" }),
      };
      return created
        ? { status: 201 as const, body: joined }
        : { status: 200 as const, body: { ...joined, alreadyJoined: true as const } };
    },
  }),
});
