import { getLeaderboard } from "../../../src/bingo/leaderboard";
import { operation, route } from "../../../src/http/route";
import { leaderboardResponseSchema } from "../../../src/schemas/bingo";
import { eventParamsSchema } from "../../../src/schemas/event";

export default route("/api/events/{eventId}/leaderboard", {
  // GET /api/events/:eventId/leaderboard – every participant ranked by their bingo card, public
  GET: operation({
    summary: "Every participant ranked by their bingo card, public",
    auth: "none",
    params: eventParamsSchema,
    responses: { 200: leaderboardResponseSchema },
    errors: ["not_found"],
    handler: async ({ params }) => ({ body: { leaderboard: await getLeaderboard(params.eventId) } }),
  }),
});
