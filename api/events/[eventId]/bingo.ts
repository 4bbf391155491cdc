import { getBingo, recordBingoSquare } from "../../../src/bingo/cards";
import { replaceBingoGrid } from "../../../src/bingo/grid";
import { route } from "../../../src/http/route";
import { recordBingoSquareBodySchema, replaceBingoGridBodySchema } from "../../../src/schemas/bingo";
import { eventParamsSchema } from "../../../src/schemas/event";

export default route({
  // GET /api/events/:eventId/bingo – the grid, public; plus the caller's card when they are a participant
  GET: async (ctx) => {
    const { eventId } = ctx.params(eventParamsSchema);
    return { body: await getBingo(eventId, ctx.optionalClaims()) };
  },
  // PUT /api/events/:eventId/bingo – the host replaces the grid (and its description) while the event is pending
  PUT: async (ctx) => {
    const host = ctx.claims();
    const { eventId } = ctx.params(eventParamsSchema);
    return { body: { bingo: await replaceBingoGrid(eventId, host.userId, ctx.body(replaceBingoGridBodySchema)) } };
  },
  // POST /api/events/:eventId/bingo – a participant records "I met this person for this square"
  POST: async (ctx) => {
    const claims = ctx.claims();
    const { eventId } = ctx.params(eventParamsSchema);
    const input = ctx.body(recordBingoSquareBodySchema);
    return { body: await recordBingoSquare(eventId, claims, input) };
  },
});
