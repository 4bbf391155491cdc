import { z } from "zod";
import { idSchema, objectIdSchema } from "./common";
import { multilineTextSchema, visibleLineTextSchema } from "./text";

export const bingoSquareSchema = z.object({
  question: visibleLineTextSchema(200),
  shortQuestion: visibleLineTextSchema(40).optional(),
});

/** A square grid, 3×3 to 5×5, given as rows. */
export const bingoGridSchema = z
  .array(z.array(bingoSquareSchema))
  .min(3, "must have 3 to 5 rows")
  .max(5, "must have 3 to 5 rows")
  .refine(
    (rows) => rows.every((row) => row.length === rows.length),
    "must be square: every row as long as the grid is tall",
  );

const bingoDescriptionSchema = multilineTextSchema(500);

export const bingoInputSchema = z.object({ grid: bingoGridSchema, description: bingoDescriptionSchema.optional() });

/** PUT /api/events/:eventId/bingo – the host's new grid, as rows, and optionally its description. */
export const replaceBingoGridBodySchema = bingoInputSchema;

/** POST /api/bingo/createBingo – the dashboard's body: the event as `_eventId`. */
export const createBingoBodySchema = bingoInputSchema.extend({ _eventId: objectIdSchema });

/** PUT /api/bingo/updateBingo – the dashboard's body: the event as `id`. */
export const updateBingoBodySchema = bingoInputSchema.extend({ id: objectIdSchema });

/** GET /api/bingo/getBingo/:eventId */
export const getBingoParamsSchema = z.object({ eventId: objectIdSchema });

// Rows and columns are bounded by the largest grid here; the event's own size is checked when
// the square is recorded.
const gridIndexSchema = z.number().int().min(0).max(4);

/** POST /api/events/:eventId/bingo – "I met this participant and they fit this square". */
export const recordBingoSquareBodySchema = z.object({
  row: gridIndexSchema,
  col: gridIndexSchema,
  participantId: objectIdSchema,
});

export type BingoGridRows = z.infer<typeof bingoGridSchema>;
export type BingoInput = z.infer<typeof bingoInputSchema>;
export type RecordBingoSquareInput = z.infer<typeof recordBingoSquareBodySchema>;

export const bingoSchema = z
  .object({
    size: z.number().int(),
    grid: z.array(z.array(z.object({ question: z.string(), shortQuestion: z.string().optional() }))),
    description: z.string(),
  })
  .meta({ id: "Bingo" });

export const bingoCardSchema = z
  .object({
    marks: z.array(
      z.object({ row: z.number().int(), col: z.number().int(), participantId: idSchema, name: z.string() }),
    ),
    linesCompleted: z.number().int(),
    completed: z.boolean(),
  })
  .meta({ id: "BingoCard" });

export const getBingoResponseSchema = z.object({ bingo: bingoSchema, card: bingoCardSchema.optional() });
export const replaceBingoGridResponseSchema = z.object({ bingo: bingoSchema });

export const bingoAchievementSchema = z
  .object({
    participantId: idSchema,
    participantName: z.string(),
    achievementType: z.enum(["line", "card"]),
  })
  .meta({ id: "BingoAchievement" });

export const recordBingoSquareResponseSchema = z.object({
  card: bingoCardSchema,
  achievements: z.array(bingoAchievementSchema),
});

/** One row of the leaderboard, the host dashboard's shape plus `squaresFilled`. */
export const leaderboardEntrySchema = z
  .object({
    participantId: idSchema,
    name: z.string(),
    profilePhoto: z.string().nullable(),
    connectionsCount: z.number().int(),
    linesCompleted: z.number().int(),
    completed: z.boolean(),
    squaresFilled: z.number().int(),
  })
  .meta({ id: "LeaderboardEntry" });

/** GET …/leaderboard: a bare JSON array (the dashboard reads one), not the envelope. */
export const leaderboardResponse = {
  contentTypes: ["application/json; charset=utf-8"],
  description: "Every participant, best first, as a bare array (the host dashboard's shape).",
  schema: z.array(leaderboardEntrySchema),
} as const;

/** PUT …/leaderboard/score: the caller's own row, as the server computed it. */
export const updateLeaderboardScoreResponseSchema = z.object({ score: leaderboardEntrySchema });
