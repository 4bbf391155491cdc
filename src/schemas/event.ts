import { z } from "zod";
import { APP_STATE_NAMES, GAME_TYPE, STATUS_TARGETS } from "../events/event-states";
import { bingoInputSchema } from "./bingo";
import { isoDateSchema, objectIdSchema } from "./common";
import { multilineTextSchema, visibleLineTextSchema } from "./text";

export const eventParamsSchema = z.object({ eventId: objectIdSchema });

export const getEventByJoinCodeParamsSchema = z.object({
  // Any length JOIN_CODE_DIGITS allows: events created before it changed keep their codes.
  joinCode: z.string().regex(/^\d{4,8}$/, "must be a code of 4 to 8 digits"),
});

export const createEventBodySchema = z
  .object({
    name: visibleLineTextSchema(100),
    description: multilineTextSchema(2000).optional(),
    startDate: isoDateSchema.nullish(),
    endDate: isoDateSchema.nullish(),
    maxParticipant: z.number().int().min(1).max(100_000).nullish(),
    bingo: bingoInputSchema.optional(),
    // The dashboard sends both; a new event is always pending and the only game is Name Bingo.
    currentState: z
      .enum(["pending", APP_STATE_NAMES.pending], { error: 'a new event is always "Upcoming" (pending)' })
      .optional(),
    gameType: z.literal(GAME_TYPE, { error: `the only game is "${GAME_TYPE}"` }).optional(),
  })
  .refine((body) => !body.startDate || !body.endDate || body.endDate > body.startDate, {
    message: "must be after startDate",
    path: ["endDate"],
  });

/** PUT …/status – the target state in either vocabulary: the guide's or the apps'. */
export const updateEventStatusBodySchema = z.object({
  status: z
    .enum(Object.keys(STATUS_TARGETS) as [keyof typeof STATUS_TARGETS], {
      error: 'must be "active" or "ended" (or the apps\' "In Progress" or "Completed")',
    })
    .transform((word) => STATUS_TARGETS[word]),
});

export type CreateEventInput = z.infer<typeof createEventBodySchema>;

export const getEventActivityQuerySchema = eventParamsSchema.extend({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
