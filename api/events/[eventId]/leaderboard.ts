import { getLeaderboard } from "../../../src/bingo/leaderboard";
import { route } from "../../../src/http/route";
import { eventParamsSchema } from "../../../src/schemas/event";

// GET /api/events/:eventId/leaderboard – every participant ranked by their bingo card, public
export default route({
  GET: async (ctx) => {
    const { eventId } = ctx.params(eventParamsSchema);
    return { body: { leaderboard: await getLeaderboard(eventId) } };
  },
});
