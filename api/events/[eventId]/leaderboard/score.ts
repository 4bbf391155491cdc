import { getOwnScore } from "../../../../src/bingo/leaderboard";
import { operation, route } from "../../../../src/http/route";
import { updateLeaderboardScoreResponseSchema } from "../../../../src/schemas/bingo";
import { updateLeaderboardScoreBodySchema } from "../../../../src/schemas/connection";
import { eventParamsSchema } from "../../../../src/schemas/event";

export default route("/api/events/{eventId}/leaderboard/score", {
  // PUT /api/events/:eventId/leaderboard/score – the app reports a score; nothing changes, the answer is the server's own
  PUT: operation({
    summary: "The app reports a score; nothing changes (the server is the referee): the caller's own row",
    auth: "user",
    params: eventParamsSchema,
    body: updateLeaderboardScoreBodySchema,
    responses: { 200: updateLeaderboardScoreResponseSchema },
    errors: ["forbidden", "not_found"],
    handler: async ({ params, claims }) => ({ body: { score: await getOwnScore(params.eventId, claims.userId) } }),
  }),
});
