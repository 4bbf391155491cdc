import { z } from "zod";
import { bingoAchievementSchema, bingoCardSchema } from "./bingo";
import { idSchema } from "./common";

// Issue 18: a participant's meeting code, and scanning one.

/** GET /api/events/:eventId/meeting-code – the code the caller's phone shows (QR and text). */
export const getMeetingCodeResponseSchema = z.object({
  /** 12 characters of Crockford base32 (no I, L, O, U); read case-insensitively, hyphens ignored. */
  code: z.string(),
  /** The code is refused from then on (60 to 120 s after it was issued). */
  expiresAt: z.iso.datetime(),
  /** When the phone should fetch the next code. */
  refreshAt: z.iso.datetime(),
});

const gridIndexSchema = z.number().int().min(0).max(4);

/** POST /api/events/:eventId/meetings – "I scanned this code"; optionally fills a square with its owner. */
export const recordMeetingBodySchema = z.object({
  code: z.string().trim().min(1).max(32),
  square: z.object({ row: gridIndexSchema, col: gridIndexSchema }).optional(),
});

export type RecordMeetingInput = z.infer<typeof recordMeetingBodySchema>;

export const recordMeetingResponseSchema = z.object({
  /** The code's owner, whom the caller met. */
  meeting: z.object({ participantId: idSchema, name: z.string(), verifiedAt: z.iso.datetime() }),
  /** True when the pair's meeting was verified before: nothing is counted twice. */
  alreadyMet: z.boolean(),
  /** The caller's card and what it achieved, when `square` was sent; else null. */
  bingo: z.object({ card: bingoCardSchema, achievements: z.array(bingoAchievementSchema) }).nullable(),
});
