import { z } from "zod";

export const healthResponseSchema = z.object({
  db: z.literal("up"),
  realtime: z.enum(["pusher", "custom-host", "disabled"]),
});

export const publishPendingResponseSchema = z.object({
  events: z.number().int(),
  published: z.number().int(),
  /** Deletions finished by this run (see README, "Data model"). */
  deletedEvents: z.number().int(),
  deletedAccounts: z.number().int(),
  expiredGuests: z.number().int(),
  expiredRateLimitWindows: z.number().int(),
  expiredIdempotencyKeys: z.number().int(),
});
