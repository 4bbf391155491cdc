import { getBingo } from "../../../src/bingo/cards";
import { operation, route } from "../../../src/http/route";
import { clientIp, withEventMissLimit } from "../../../src/limits/rate-limit";
import { getBingoParamsSchema, getBingoResponseSchema } from "../../../src/schemas/bingo";

export default route("/api/bingo/getBingo/{eventId}", {
  // GET /api/bingo/getBingo/:eventId – the apps' path to GET /api/events/:eventId/bingo: the grid and description, public; plus the caller's card
  GET: operation({
    summary:
      "The apps' path to GET /api/events/{eventId}/bingo: the grid and description, public; plus the caller's card",
    auth: "optional",
    params: getBingoParamsSchema,
    responses: { 200: getBingoResponseSchema },
    errors: ["not_found", "rate_limited"],
    handler: async ({ params, claims, req }) => ({
      // An unknown id counts as a guess toward the per-IP miss limit.
      body: await withEventMissLimit(clientIp(req), () => getBingo(params.eventId, claims)),
    }),
  }),
});
