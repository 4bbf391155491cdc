import { replaceBingoGrid } from "../../src/bingo/grid";
import { operation, route } from "../../src/http/route";
import { replaceBingoGridResponseSchema, updateBingoBodySchema } from "../../src/schemas/bingo";

export default route("/api/bingo/updateBingo", {
  // PUT /api/bingo/updateBingo – the dashboard's bingo editor saves the grid and description (host, event pending)
  PUT: operation({
    summary: "The dashboard's bingo editor saves the grid and description (host, event pending)",
    auth: "user",
    body: updateBingoBodySchema,
    responses: { 200: replaceBingoGridResponseSchema },
    errors: ["forbidden", "not_found", "event_not_pending"],
    handler: async ({ claims, body: { id, ...bingo } }) => ({
      body: { bingo: await replaceBingoGrid(id, claims.userId, bingo) },
    }),
  }),
});
