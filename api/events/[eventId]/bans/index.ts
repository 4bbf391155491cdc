import { listBans } from "../../../../src/events/bans";
import { operation, route } from "../../../../src/http/route";
import { eventParamsSchema } from "../../../../src/schemas/event";
import { banListResponseSchema } from "../../../../src/schemas/moderation";

export default route("/api/events/{eventId}/bans", {
  // GET /api/events/:eventId/bans – the host's list of banned users, oldest first
  GET: operation({
    summary: "The host's list of the users banned from the event, oldest ban first",
    auth: "user",
    params: eventParamsSchema,
    responses: { 200: banListResponseSchema },
    errors: ["forbidden", "not_found"],
    handler: async ({ params, claims }) => {
      const bans = await listBans(params.eventId, claims.userId);
      return {
        body: {
          bans: bans.map((ban) => ({ userId: ban.userId.toHexString(), name: ban.name, bannedAt: ban.bannedAt })),
        },
      };
    },
  }),
});
