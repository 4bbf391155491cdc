import { z } from "zod";
import { bingoInputSchema } from "./bingo";
import { isoDateSchema, objectIdSchema } from "./common";

export const eventParamsSchema = z.object({ eventId: objectIdSchema });

export const getEventByJoinCodeParamsSchema = z.object({
  joinCode: z.string().regex(/^\d{8}$/, "must be an 8-digit code"),
});

export const createEventBodySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().trim().max(2000).optional(),
    startDate: isoDateSchema.nullish(),
    endDate: isoDateSchema.nullish(),
    maxParticipant: z.number().int().min(1).max(100_000).nullish(),
    bingo: bingoInputSchema.optional(),
  })
  .refine((body) => !body.startDate || !body.endDate || body.endDate > body.startDate, {
    message: "must be after startDate",
    path: ["endDate"],
  });

export const updateEventStatusBodySchema = z.object({ status: z.enum(["active", "ended"]) });

export type CreateEventInput = z.infer<typeof createEventBodySchema>;

export const getEventActivityQuerySchema = eventParamsSchema.extend({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
