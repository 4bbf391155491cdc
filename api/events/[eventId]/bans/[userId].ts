import { liftBan } from "../../../../src/events/bans";
import { operation, route } from "../../../../src/http/route";
import { banParamsSchema, liftBanResponseSchema } from "../../../../src/schemas/moderation";

export default route("/api/events/{eventId}/bans/{userId}", {
  // DELETE /api/events/:eventId/bans/:userId – the host lifts a ban: the user may join again
  DELETE: operation({
    summary: "The host lifts a ban: the user may join again",
    auth: "user",
    params: banParamsSchema,
    responses: { 200: liftBanResponseSchema },
    errors: ["forbidden", "not_found"],
    handler: async ({ params, claims }) => {
      await liftBan(params.eventId, claims.userId, params.userId);
      return { body: { userId: params.userId } };
    },
  }),
});
