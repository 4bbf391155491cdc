import { signToken } from "../../../../src/auth/tokens";
import { joinEventAsUser } from "../../../../src/events/join-event";
import { serializeParticipant } from "../../../../src/events/serialize";
import { operation, route } from "../../../../src/http/route";
import { joinHealed } from "../../../../src/jobs/heal";
import { clientIp, withEventMissLimit } from "../../../../src/limits/rate-limit";
import { eventParamsSchema } from "../../../../src/schemas/event";
import {
  joinEventUserBodySchema,
  joinEventUserResponseSchema,
  rejoinEventUserResponseSchema,
} from "../../../../src/schemas/join";

export default route("/api/events/{eventId}/join/user", {
  // POST /api/events/:eventId/join/user – the signed-in user joins (again: 200 with alreadyJoined); a guest gets a fresh token
  POST: operation({
    summary:
      "The signed-in user (or guest) joins; joining again is a 200 with alreadyJoined; a guest gets a fresh token",
    auth: "user",
    params: eventParamsSchema,
    body: joinEventUserBodySchema,
    responses: { 201: joinEventUserResponseSchema, 200: rejoinEventUserResponseSchema },
    errors: [
      "event_full",
      "forbidden",
      "not_found",
      "event_ended",
      "rate_limited",
      "banned",
      "joins_locked",
      "guests_not_allowed",
    ],
    idempotent: true,
    handler: async ({ params: { eventId }, claims, body, req }) => {
      const { participant, created } = await withEventMissLimit(clientIp(req), () =>
        joinHealed(eventId, () => joinEventAsUser(eventId, claims, body)),
      );
      const joined = {
        participant: serializeParticipant(eventId, participant),
        // The app stores a token from this answer when a returning guest joins another event.
        ...(claims.kind === "guest" ? { token: signToken(claims) } : {}),
      };
      return created
        ? { status: 201 as const, body: joined }
        : { status: 200 as const, body: { ...joined, alreadyJoined: true as const } };
    },
  }),
});
