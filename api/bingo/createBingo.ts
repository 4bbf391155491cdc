import { replaceBingoGrid } from "../../src/bingo/grid";
import { route } from "../../src/http/route";
import { createBingoBodySchema } from "../../src/schemas/bingo";

// POST /api/bingo/createBingo – the dashboard sets a new event's grid and description (host, event pending)
export default route({
  POST: async (ctx) => {
    const host = ctx.claims();
    const { _eventId, ...bingo } = ctx.body(createBingoBodySchema);
    return { body: { bingo: await replaceBingoGrid(_eventId, host.userId, bingo) } };
  },
});
