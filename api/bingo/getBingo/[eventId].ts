import { getBingo } from "../../../src/bingo/cards";
import { operation, route } from "../../../src/http/route";
import { getBingoParamsSchema, getBingoResponseSchema } from "../../../src/schemas/bingo";

export default route("/api/bingo/getBingo/{eventId}", {
  // GET /api/bingo/getBingo/:eventId – the apps' path to GET /api/events/:eventId/bingo: the grid and description, public; plus the caller's card
  GET: operation({
    summary:
      "The apps' path to GET /api/events/{eventId}/bingo: the grid and description, public; plus the caller's card",
    auth: "optional",
    params: getBingoParamsSchema,
    responses: { 200: getBingoResponseSchema },
    errors: ["not_found"],
    handler: async ({ params, claims }) => ({ body: await getBingo(params.eventId, claims) }),
  }),
});
