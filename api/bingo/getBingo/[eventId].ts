import { getBingo } from "../../../src/bingo/cards";
import { route } from "../../../src/http/route";
import { getBingoParamsSchema } from "../../../src/schemas/bingo";

// GET /api/bingo/getBingo/:eventId – the apps' path to GET /api/events/:eventId/bingo: the grid and description, public; plus the caller's card
export default route({
  GET: async (ctx) => {
    const { eventId } = ctx.params(getBingoParamsSchema);
    return { body: await getBingo(eventId, ctx.optionalClaims()) };
  },
});
