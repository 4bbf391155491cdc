import mongoose from "mongoose";
import type { TokenClaims } from "../auth/tokens";
import { ApiError } from "../errors";
import { Event, type EventDoc } from "../models/event";
import { Participant, type ParticipantDoc, type ParticipantEntry } from "../models/participant";
import type { ListEventsQuery } from "../schemas/event";
import { serializeEvent } from "./serialize";

/**
 * How much of each event's lobby a list shows: the participants holding the event's first
 * PREVIEW_SEQS activity seqs, which are its first joiners (a join takes the next seq; a refused
 * join or a start takes one too, so a preview can hold fewer). Each (eventId, seq) is unique, so
 * the previews of a whole page come from one bounded query. `participantCount` is always exact.
 */
export const PREVIEW_SEQS = 20;

// What serializeEvent reads: no grid, no counters the list does not show.
const LIST_PROJECTION = {
  name: 1,
  description: 1,
  joinCode: 1,
  startDate: 1,
  endDate: 1,
  maxParticipant: 1,
  meetingProof: 1,
  participantCount: 1,
  joinsLocked: 1,
  guestsAllowed: 1,
  currentState: 1,
  startedAt: 1,
  endedAt: 1,
  createdBy: 1,
  createdAt: 1,
  updatedAt: 1,
} as const;

type ListedEvent = ReturnType<typeof serializeEvent>;

export interface EventListPage {
  events: ListedEvent[];
  /** Pass as `?cursor=` for the next page; null on the last page. */
  nextCursor: string | null;
}

function requireSelf(caller: TokenClaims, userId: string): void {
  if (caller.userId !== userId) throw new ApiError("forbidden", "You can only list your own events.");
}

/**
 * GET /api/events/createdEvents/user/:userId – the events a user hosts, newest first: one range of
 * the (createdBy, _id) index, projected, then one query for every preview of the page.
 */
export async function listHostedEvents(caller: TokenClaims, userId: string, page: ListEventsQuery) {
  requireSelf(caller, userId);
  const events = await Event.find(
    { createdBy: new mongoose.Types.ObjectId(userId), ...(page.cursor ? { _id: { $lt: page.cursor } } : {}) },
    LIST_PROJECTION,
  )
    .sort({ _id: -1 })
    .limit(page.limit + 1)
    .lean<EventDoc[]>();
  const shown = events.slice(0, page.limit);
  const previews = await readPreviews(shown.map((event) => event._id));
  return {
    events: shown.map((event) => serializeEvent(event, previews.get(event._id.toHexString()) ?? [])),
    nextCursor: events.length > page.limit ? (shown.at(-1)?._id.toHexString() ?? null) : null,
  } satisfies EventListPage;
}

/**
 * GET /api/users/:userId/events – the events a user joined, newest event first: one range of the
 * participants' (userId, eventId) index, the events by _id, and one query for the previews. The
 * caller's own participant is always in its event's `participantIds` (the app finds itself there).
 */
export async function listJoinedEvents(caller: TokenClaims, userId: string, page: ListEventsQuery) {
  requireSelf(caller, userId);
  const joined = await Participant.find(
    {
      userId: new mongoose.Types.ObjectId(userId),
      ...(page.cursor ? { eventId: { $lt: new mongoose.Types.ObjectId(page.cursor) } } : {}),
    },
    { _id: 1, userId: 1, name: 1, eventId: 1, seq: 1 },
  )
    .sort({ eventId: -1 })
    .limit(page.limit + 1)
    .lean<Pick<ParticipantDoc, "_id" | "userId" | "name" | "eventId" | "seq">[]>();
  const shown = joined.slice(0, page.limit);
  const eventIds = shown.map((participant) => participant.eventId);
  const [events, previews] = await Promise.all([
    Event.find({ _id: { $in: eventIds } }, LIST_PROJECTION).lean<EventDoc[]>(),
    readPreviews(eventIds),
  ]);
  const byId = new Map(events.map((event) => [event._id.toHexString(), event]));
  const listed: ListedEvent[] = [];
  for (const own of shown) {
    const key = own.eventId.toHexString();
    // A participant outlives its event only while a deletion is being finished: skip it.
    const event = byId.get(key);
    if (!event) continue;
    const preview = previews.get(key) ?? [];
    const lobby = preview.some((entry) => entry._id.equals(own._id)) ? preview : [...preview, own];
    listed.push(serializeEvent(event, lobby));
  }
  return {
    events: listed,
    nextCursor: joined.length > page.limit ? (shown.at(-1)?.eventId.toHexString() ?? null) : null,
  } satisfies EventListPage;
}

/** The previews of many events in one query of the (eventId, seq) index, by event, in join order. */
async function readPreviews(eventIds: readonly mongoose.Types.ObjectId[]): Promise<Map<string, ParticipantEntry[]>> {
  const previews = new Map<string, ParticipantEntry[]>();
  if (eventIds.length === 0) return previews;
  const entries = await Participant.find(
    { eventId: { $in: eventIds }, seq: { $lte: PREVIEW_SEQS } },
    { _id: 1, userId: 1, name: 1, eventId: 1 },
  )
    .sort({ eventId: 1, seq: 1 })
    .batchSize(eventIds.length * PREVIEW_SEQS)
    .lean<Pick<ParticipantDoc, "_id" | "userId" | "name" | "eventId">[]>();
  for (const { eventId, ...entry } of entries) {
    const key = eventId.toHexString();
    previews.set(key, [...(previews.get(key) ?? []), entry]);
  }
  return previews;
}
