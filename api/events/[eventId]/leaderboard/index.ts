import { getLeaderboard } from "../../../../src/bingo/leaderboard";
import { operation, route } from "../../../../src/http/route";
import { clientIp, withEventMissLimit } from "../../../../src/limits/rate-limit";
import { leaderboardResponse } from "../../../../src/schemas/bingo";
import { eventParamsSchema } from "../../../../src/schemas/event";

export default route("/api/events/{eventId}/leaderboard", {
  // GET /api/events/:eventId/leaderboard – every participant ranked by card and people met, a bare array, public
  GET: operation({
    summary: "Every participant ranked by card and people met: a bare array (the dashboard's shape), public",
    auth: "none",
    params: eventParamsSchema,
    responses: { 200: leaderboardResponse },
    errors: ["not_found", "rate_limited"],
    handler: async ({ params, req }) => ({
      // An unknown id counts as a guess toward the per-IP miss limit.
      raw: JSON.stringify(await withEventMissLimit(clientIp(req), () => getLeaderboard(params.eventId))),
    }),
  }),
});
