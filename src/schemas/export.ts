import { z } from "zod";

/** GET /api/events/:eventId/export: which table, in which format. */
export const exportEventQuerySchema = z.object({
  format: z.enum(["csv", "json"]).default("csv"),
  table: z.enum(["participants", "connections", "leaderboard"]).default("participants"),
});

const cellSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** The JSON form of an export: the table's rows, each keyed by its columns (the CSV's header row). */
export const eventExportJsonSchema = z.object({
  success: z.literal(true),
  table: z.enum(["participants", "connections", "leaderboard"]),
  rows: z.array(z.record(z.string(), cellSchema)),
});
