import { getBingo } from "../../../src/bingo/cards";
import { replaceBingoGrid } from "../../../src/bingo/grid";
import { recordBingoSquare } from "../../../src/connections/record-square";
import { operation, route } from "../../../src/http/route";
import { clientIp, withEventMissLimit } from "../../../src/limits/rate-limit";
import {
  getBingoResponseSchema,
  recordBingoSquareBodySchema,
  recordBingoSquareResponseSchema,
  replaceBingoGridBodySchema,
  replaceBingoGridResponseSchema,
} from "../../../src/schemas/bingo";
import { eventParamsSchema } from "../../../src/schemas/event";

export default route("/api/events/{eventId}/bingo", {
  // GET /api/events/:eventId/bingo – the grid, public; plus the caller's card when they are a participant
  GET: operation({
    summary: "The grid, public; plus the caller's card when they are a participant",
    auth: "optional",
    params: eventParamsSchema,
    responses: { 200: getBingoResponseSchema },
    errors: ["not_found", "rate_limited"],
    handler: async ({ params, claims, req }) => ({
      // An unknown id counts as a guess toward the per-IP miss limit.
      body: await withEventMissLimit(clientIp(req), () => getBingo(params.eventId, claims)),
    }),
  }),
  // PUT /api/events/:eventId/bingo – the host replaces the grid (and its description) while the event is pending
  PUT: operation({
    summary: "The host replaces the grid (and its description) while the event is pending",
    auth: "user",
    params: eventParamsSchema,
    body: replaceBingoGridBodySchema,
    responses: { 200: replaceBingoGridResponseSchema },
    errors: ["forbidden", "not_found", "event_not_pending"],
    handler: async ({ params, claims, body }) => ({
      body: { bingo: await replaceBingoGrid(params.eventId, claims.userId, body) },
    }),
  }),
  // POST /api/events/:eventId/bingo – a participant records "I met this person for this square"
  POST: operation({
    summary: 'A participant records "I met this person for this square"',
    auth: "user",
    params: eventParamsSchema,
    body: recordBingoSquareBodySchema,
    responses: { 200: recordBingoSquareResponseSchema },
    errors: [
      "forbidden",
      "not_found",
      "event_not_active",
      "square_taken",
      "participant_already_used",
      "meeting_not_verified",
    ],
    idempotent: true,
    handler: async ({ params, claims, body }) => ({ body: await recordBingoSquare(params.eventId, claims, body) }),
  }),
});
