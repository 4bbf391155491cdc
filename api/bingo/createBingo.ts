import { replaceBingoGrid } from "../../src/bingo/grid";
import { operation, route } from "../../src/http/route";
import { createBingoBodySchema, replaceBingoGridResponseSchema } from "../../src/schemas/bingo";

export default route("/api/bingo/createBingo", {
  // POST /api/bingo/createBingo – the dashboard sets a new event's grid and description (host, event pending)
  POST: operation({
    summary: "The dashboard sets a new event's grid and description (host, event pending)",
    auth: "user",
    body: createBingoBodySchema,
    responses: { 200: replaceBingoGridResponseSchema },
    errors: ["forbidden", "not_found", "event_not_pending"],
    handler: async ({ claims, body: { _eventId, ...bingo } }) => ({
      body: { bingo: await replaceBingoGrid(_eventId, claims.userId, bingo) },
    }),
  }),
});
