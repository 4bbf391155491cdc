import { removeParticipant } from "../../../../src/events/remove-participant";
import { serializeParticipant } from "../../../../src/events/serialize";
import { operation, route } from "../../../../src/http/route";
import {
  participantParamsSchema,
  removeParticipantQuerySchema,
  removeParticipantResponseSchema,
} from "../../../../src/schemas/moderation";

export default route("/api/events/{eventId}/participants/{participantId}", {
  // DELETE /api/events/:eventId/participants/:participantId?ban=true – the host removes (and bans) a participant
  DELETE: operation({
    summary:
      "The host removes a participant from an event that has not ended (seat and name freed; publishes participant-left with reason removed); ?ban=true also bans their user",
    auth: "user",
    params: participantParamsSchema,
    query: removeParticipantQuerySchema,
    responses: { 200: removeParticipantResponseSchema },
    errors: ["forbidden", "not_found", "event_ended"],
    handler: async ({ params, query, claims }) => {
      const removed = await removeParticipant(params.eventId, claims.userId, params.participantId, { ban: query.ban });
      return { body: { participant: serializeParticipant(params.eventId, removed) } };
    },
  }),
});
