import { replaceBingoGrid } from "../../src/bingo/grid";
import { route } from "../../src/http/route";
import { updateBingoBodySchema } from "../../src/schemas/bingo";

// PUT /api/bingo/updateBingo – the dashboard's bingo editor saves the grid and description (host, event pending)
export default route({
  PUT: async (ctx) => {
    const host = ctx.claims();
    const { id, ...bingo } = ctx.body(updateBingoBodySchema);
    return { body: { bingo: await replaceBingoGrid(id, host.userId, bingo) } };
  },
});
