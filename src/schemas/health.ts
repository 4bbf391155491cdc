import { z } from "zod";

export const healthResponseSchema = z.object({
  db: z.literal("up"),
  realtime: z.enum(["pusher", "custom-host", "disabled"]),
});

export const publishPendingResponseSchema = z.object({
  /** Events whose cut write this run repaired, and those still waiting (see docs/data-model.md). */
  repaired: z.number().int(),
  repairsLeft: z.number().int(),
  events: z.number().int(),
  published: z.number().int(),
  /** Deletions finished by this run (docs/data-model.md). */
  deletedEvents: z.number().int(),
  deletedAccounts: z.number().int(),
  expiredGuests: z.number().int(),
  expiredRateLimitWindows: z.number().int(),
  expiredIdempotencyKeys: z.number().int(),
});
