import { z } from "zod";
import { idSchema } from "./common";

// The realtime contract: every message published on `event-<eventId>`, as zod schemas. The
// transport (realtime/pusher.ts) sends only messages built here, the AsyncAPI document
// (openapi/asyncapi.ts) and the activity page's OpenAPI schema are generated from them, and the
// domain takes its payload types from here.

/** A payload as the domain builds it; on the wire each carries its `seq` too (see `sequenced`). */
export const participantJoinedPayloadSchema = z.strictObject({ participantId: idSchema, name: z.string() });

export const eventStartedPayloadSchema = z.strictObject({
  eventId: idSchema,
  state: z.literal("active"),
  startedAt: z.iso.datetime(),
});

export const eventEndedPayloadSchema = z.strictObject({
  eventId: idSchema,
  state: z.literal("ended"),
  endedAt: z.iso.datetime(),
});

/** The apps' own lifecycle message, sent beside event-started / event-ended, in their words. */
export const eventStatusPayloadSchema = z.strictObject({ status: z.enum(["In Progress", "Completed"]) });

export const bingoAchievedPayloadSchema = z.strictObject({
  participantId: idSchema,
  participantName: z.string(),
  achievementType: z.enum(["line", "card"]),
});

export const participantLeftPayloadSchema = z.strictObject({
  participantId: idSchema,
  name: z.string(),
  /** `left`: the participant left; `removed`: the host removed them (DELETE …/participants/:id). */
  // The default reads entries logged before `reason` existed as the leaves they were.
  reason: z.enum(["left", "removed"]).default("left"),
});

export const eventDeletedPayloadSchema = z.strictObject({ eventId: idSchema });

/** The host dashboard's live leaderboard: one participant's entry as it now stands. */
export const leaderboardUpdatedPayloadSchema = z.strictObject({
  participantId: idSchema,
  name: z.string(),
  profilePhoto: z.string().nullable(),
  connectionsCount: z.number().int().min(0),
  linesCompleted: z.number().int().min(0),
  completed: z.boolean(),
  squaresFilled: z.number().int().min(0),
});

/** Two participants met: the scanner, then the code's owner. Ids only (issue 18). */
export const meetingVerifiedPayloadSchema = z.strictObject({
  participantIds: z.tuple([idSchema, idSchema]),
});

export type ParticipantJoinedPayload = z.infer<typeof participantJoinedPayloadSchema>;
export type EventStartedPayload = z.infer<typeof eventStartedPayloadSchema>;
export type EventEndedPayload = z.infer<typeof eventEndedPayloadSchema>;
export type EventStatusPayload = z.infer<typeof eventStatusPayloadSchema>;
export type BingoAchievedPayload = z.infer<typeof bingoAchievedPayloadSchema>;
export type ParticipantLeftPayload = z.infer<typeof participantLeftPayloadSchema>;
export type EventDeletedPayload = z.infer<typeof eventDeletedPayloadSchema>;
export type LeaderboardUpdatedPayload = z.infer<typeof leaderboardUpdatedPayloadSchema>;
export type MeetingVerifiedPayload = z.infer<typeof meetingVerifiedPayloadSchema>;

/** Every event name published on `event-<eventId>`, with its payload as the domain builds it. */
export const REALTIME_PAYLOADS = {
  "participant-joined": participantJoinedPayloadSchema,
  "event-started": eventStartedPayloadSchema,
  "event-ended": eventEndedPayloadSchema,
  event: eventStatusPayloadSchema,
  "bingo-achieved": bingoAchievedPayloadSchema,
  "participant-left": participantLeftPayloadSchema,
  "event-deleted": eventDeletedPayloadSchema,
  "leaderboard-updated": leaderboardUpdatedPayloadSchema,
  "meeting-verified": meetingVerifiedPayloadSchema,
} as const;

export type RealtimeEventName = keyof typeof REALTIME_PAYLOADS;
export const REALTIME_EVENT_NAMES = Object.keys(REALTIME_PAYLOADS) as RealtimeEventName[];

/** One realtime event about to be announced: its name and payload, before it has a seq. */
export type RealtimeMessage = {
  [N in RealtimeEventName]: { name: N; data: z.infer<(typeof REALTIME_PAYLOADS)[N]> };
}[RealtimeEventName];

const DESCRIPTIONS: Record<RealtimeEventName, string> = {
  "participant-joined": "Someone joined the event (a user or a guest).",
  "event-started": "The host started the event (the realtime guide's message).",
  "event-ended": "The host ended the event (the realtime guide's message).",
  event: "The apps' lifecycle message, sent right after event-started / event-ended, in their words.",
  "bingo-achieved": "A participant completed a line or the whole card.",
  "participant-left": "A participant left the event, or the host removed them (`reason`).",
  "event-deleted": "The host deleted the event; nothing more is published on the channel.",
  "leaderboard-updated": "One participant's leaderboard row as it now stands (after a mark or a connection).",
  "meeting-verified":
    "Two participants met: one scanned the other's meeting code (scanner first, then the code's owner).",
};

const seqSchema = z
  .number()
  .int()
  .min(1)
  .describe("The message's position in the event's activity log; clients drop a seq they have seen.");

/** The component name of an event's payload: `participant-joined` → `ParticipantJoinedPayload`. */
export function payloadSchemaId(name: RealtimeEventName): string {
  const words = name === "event" ? ["event", "status"] : name.split("-");
  return `${words.map((word) => word[0]?.toUpperCase() + word.slice(1)).join("")}Payload`;
}

function wireMeta(name: RealtimeEventName) {
  return { id: payloadSchemaId(name), description: `\`${name}\`: ${DESCRIPTIONS[name]}` };
}

/** What goes over the wire for each event name: the payload plus its seq, named for the documents. */
export const REALTIME_WIRE_PAYLOADS = {
  "participant-joined": participantJoinedPayloadSchema.extend({ seq: seqSchema }).meta(wireMeta("participant-joined")),
  "event-started": eventStartedPayloadSchema.extend({ seq: seqSchema }).meta(wireMeta("event-started")),
  "event-ended": eventEndedPayloadSchema.extend({ seq: seqSchema }).meta(wireMeta("event-ended")),
  event: eventStatusPayloadSchema.extend({ seq: seqSchema }).meta(wireMeta("event")),
  "bingo-achieved": bingoAchievedPayloadSchema.extend({ seq: seqSchema }).meta(wireMeta("bingo-achieved")),
  "participant-left": participantLeftPayloadSchema.extend({ seq: seqSchema }).meta(wireMeta("participant-left")),
  "event-deleted": eventDeletedPayloadSchema.extend({ seq: seqSchema }).meta(wireMeta("event-deleted")),
  "leaderboard-updated": leaderboardUpdatedPayloadSchema
    .extend({ seq: seqSchema })
    .meta(wireMeta("leaderboard-updated")),
  "meeting-verified": meetingVerifiedPayloadSchema.extend({ seq: seqSchema }).meta(wireMeta("meeting-verified")),
} as const satisfies Record<RealtimeEventName, z.ZodObject>;

// Not exported: only this module can make a message the transport takes.
const checked: unique symbol = Symbol("checked by its schema");

/** A message that passed its schema, with its seq: the only thing the transport publishes. */
export interface SequencedMessage {
  readonly name: RealtimeEventName;
  readonly data: Readonly<Record<string, unknown>> & { readonly seq: number };
  readonly problem?: undefined;
  readonly [checked]: true;
}

/** A message that failed its schema: a bug. The transport logs it and does not send it. */
export interface RejectedMessage {
  readonly name: string;
  readonly seq: number;
  readonly problem: string;
  readonly [checked]: true;
}

export type OutgoingMessage = SequencedMessage | RejectedMessage;

/** A message the domain built, under `seq`, checked against its schema. */
export function sequenced(message: RealtimeMessage, seq: number): OutgoingMessage {
  return check(message.name, message.data, seq);
}

/** A message read back from the activity log (`event`, `data`, `seq`), checked against its schema. */
export function parseStoredMessage(name: string, data: unknown, seq: number): OutgoingMessage {
  return check(name, data, seq);
}

function check(name: string, data: unknown, seq: number): OutgoingMessage {
  if (!Object.hasOwn(REALTIME_WIRE_PAYLOADS, name)) {
    return { name, seq, problem: `no schema for event name "${name}"`, [checked]: true };
  }
  const schema = REALTIME_WIRE_PAYLOADS[name as RealtimeEventName];
  const parsed = schema.safeParse(typeof data === "object" && data !== null ? { ...data, seq } : data);
  if (!parsed.success) {
    const problem = parsed.error.issues.map((issue) => `${issue.path.join(".") || "/"}: ${issue.message}`).join("; ");
    return { name, seq, problem, [checked]: true };
  }
  return { name: name as RealtimeEventName, data: parsed.data, [checked]: true };
}

/** One activity-log entry as the activity page serves it: the stored message with its seq. */
export type ActivityRecord = {
  [N in RealtimeEventName]: { event: N; data: z.input<(typeof REALTIME_WIRE_PAYLOADS)[N]> };
}[RealtimeEventName];

/**
 * A stored entry, typed as the contract says it is. Not parsed: a read serves what was logged,
 * which went through `sequenced` when it was written (the tests check every page against it).
 */
export function storedActivity(event: string, data: Record<string, unknown>, seq: number): ActivityRecord {
  return { event, data: { ...data, seq } } as ActivityRecord;
}
