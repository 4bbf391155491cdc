import { z } from "zod";

export const bingoSquareSchema = z.object({
  question: z.string().trim().min(1).max(200),
  shortQuestion: z.string().trim().min(1).max(40).optional(),
});

/** A square grid, 3×3 to 5×5, given as rows. */
export const bingoGridSchema = z
  .array(z.array(bingoSquareSchema))
  .min(3, "must have 3 to 5 rows")
  .max(5, "must have 3 to 5 rows")
  .refine((rows) => rows.every((row) => row.length === rows.length), "must be square: every row as long as the grid is tall");

export const bingoInputSchema = z.object({ grid: bingoGridSchema });
