import { z } from "zod";
import { bingoInputSchema } from "./bingo";
import { idSchema, isoDateSchema, objectIdSchema, timestampSchema } from "./common";
import { APP_STATE_NAMES, GAME_TYPE, STATUS_TARGETS } from "./event-states";
import { REALTIME_EVENT_NAMES, REALTIME_WIRE_PAYLOADS, type RealtimeEventName } from "./realtime";
import { multilineTextSchema, visibleLineTextSchema } from "./text";

/** "claim": a mark takes the caller's word; "scan": only between people with a verified meeting. */
export const meetingProofSchema = z.enum(["claim", "scan"]);

export const eventParamsSchema = z.object({ eventId: objectIdSchema });

export const getEventByJoinCodeParamsSchema = z.object({
  // Any length JOIN_CODE_DIGITS allows: events created before it changed keep their codes.
  joinCode: z.string().regex(/^\d{4,8}$/, "must be a code of 4 to 8 digits"),
});

/** The host's doors (issue 19): new joins refused while locked; guest joins refused when false. */
const doorSettings = { joinsLocked: z.boolean().optional(), guestsAllowed: z.boolean().optional() };

export const createEventBodySchema = z
  .object({
    name: visibleLineTextSchema(100),
    description: multilineTextSchema(2000).optional(),
    startDate: isoDateSchema.nullish(),
    endDate: isoDateSchema.nullish(),
    maxParticipant: z.number().int().min(1).max(100_000).nullish(),
    meetingProof: meetingProofSchema.optional(),
    bingo: bingoInputSchema.optional(),
    // The dashboard sends both; a new event is always pending and the only game is Name Bingo.
    currentState: z
      .enum(["pending", APP_STATE_NAMES.pending], { error: 'a new event is always "Upcoming" (pending)' })
      .optional(),
    gameType: z.literal(GAME_TYPE, { error: `the only game is "${GAME_TYPE}"` }).optional(),
    ...doorSettings,
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

export const getEventActivityQuerySchema = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const eventStateSchema = z.enum(["pending", "active", "ended"]);

/** The `event` object of every event response; `participantIds` is the lobby in join order. */
export const eventSchema = z
  .object({
    _id: idSchema,
    name: z.string(),
    description: z.string(),
    /** Only in answers to the host and the event's participants (and to the code's own look-up). */
    joinCode: z.string().optional(),
    startDate: timestampSchema.nullable(),
    endDate: timestampSchema.nullable(),
    maxParticipant: z.number().int().nullable(),
    meetingProof: meetingProofSchema,
    participantCount: z.number().int(),
    /** New joins answer 409 joins_locked; people already in carry on. */
    joinsLocked: z.boolean(),
    /** false: guest joins answer 403 guests_not_allowed. */
    guestsAllowed: z.boolean(),
    /** The realtime guide's word for the state (what is stored). */
    state: eventStateSchema,
    /** The apps' word for the same state. */
    currentState: z.enum(["Upcoming", "In Progress", "Completed"]),
    /** Always "Name Bingo", the only game there is. */
    gameType: z.string(),
    startedAt: timestampSchema.nullable(),
    endedAt: timestampSchema.nullable(),
    createdBy: idSchema,
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
    /** The lobby in join order; GET event and GET by join code only (transitions answer without it). */
    participantIds: z.array(z.object({ _id: idSchema, name: z.string(), userId: idSchema })).optional(),
  })
  .meta({ id: "Event" });

export const eventResponseSchema = z.object({ event: eventSchema });

/** One activity-log entry of one event name: the message as it was published, under its seq. */
function activityEntrySchema(name: RealtimeEventName) {
  return z.object({
    seq: z.number().int(),
    event: z.literal(name),
    data: REALTIME_WIRE_PAYLOADS[name],
    at: z.iso.datetime(),
  });
}

type ActivityEntrySchema = ReturnType<typeof activityEntrySchema>;

export const activityPageResponseSchema = z.object({
  /** Each entry's `data` is the message as published (its payload and `seq`), by its `event`. */
  activity: z.array(
    z.discriminatedUnion(
      "event",
      REALTIME_EVENT_NAMES.map(activityEntrySchema) as [ActivityEntrySchema, ...ActivityEntrySchema[]],
    ),
  ),
  lastSeq: z.number().int(),
  hasMore: z.boolean(),
});
/** PUT /api/events/:eventId – the dashboard's edit form; a field left out is kept. */
export const updateEventBodySchema = z
  .object({
    name: visibleLineTextSchema(100).optional(),
    description: multilineTextSchema(2000).optional(),
    startDate: isoDateSchema.nullish(),
    endDate: isoDateSchema.nullish(),
    // `null` removes the limit.
    maxParticipant: z.number().int().min(1).max(100_000).nullish(),
    ...doorSettings,
    // Settable while the event is pending only (409 event_not_pending after).
    meetingProof: meetingProofSchema.optional(),
  })
  .refine((body) => !body.startDate || !body.endDate || body.endDate > body.startDate, {
    message: "must be after startDate",
    path: ["endDate"],
  });

export type UpdateEventInput = z.infer<typeof updateEventBodySchema>;

export const listEventsParamsSchema = z.object({ userId: objectIdSchema });

/** A page of an event list: newest first; `cursor` is the `nextCursor` of the page before. */
export const listEventsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: objectIdSchema.optional(),
});

export type ListEventsQuery = z.infer<typeof listEventsQuerySchema>;

/** A page of an event list; `participantIds` is a preview there (docs/api.md, "Lists"). */
export const eventListResponseSchema = z.object({
  events: z.array(eventSchema),
  /** Ask for the next page with `?cursor=<nextCursor>`; null on the last page. */
  nextCursor: idSchema.nullable(),
});

export const deleteEventResponseSchema = z.object({ eventId: idSchema });
