import mongoose from "mongoose";
import { ApiError, busyError, eventNotFound, isDuplicateKeyError } from "../errors";
import { newDocumentId } from "../ids";
import { Event, type EventDoc, UNLIMITED_SEATS } from "../models/event";
import { Participant, type ParticipantEntry } from "../models/participant";
import type { CreateEventInput } from "../schemas/event";
import { drawBingoGrid } from "./bingo-prompts";
import { newJoinCode } from "./join-codes";

// With 4-digit codes and thousands of events running at once, draws collide often enough to
// need more than a handful of attempts.
const JOIN_CODE_ATTEMPTS = 20;
const DEFAULT_BINGO_SIZE = 5;

/** Creates a pending event with a fresh join code, unique among events that have not ended. */
export async function createEvent(hostId: string, input: CreateEventInput, _id = newDocumentId()): Promise<EventDoc> {
  const grid = input.bingo?.grid.flat() ?? drawBingoGrid(DEFAULT_BINGO_SIZE);
  const size = input.bingo?.grid.length ?? DEFAULT_BINGO_SIZE;
  for (let attempt = 1; ; attempt++) {
    try {
      const joinCode = newJoinCode();
      const event = await Event.create({
        _id,
        name: input.name,
        description: input.description ?? "",
        joinCode,
        joinCodeKey: joinCode,
        startDate: input.startDate ?? null,
        endDate: input.endDate ?? null,
        maxParticipant: input.maxParticipant ?? null,
        meetingProof: input.meetingProof ?? "claim",
        openSeats: input.maxParticipant ?? UNLIMITED_SEATS,
        createdBy: new mongoose.Types.ObjectId(hostId),
        bingo: { size, grid, description: input.bingo?.description ?? "" },
        joinsLocked: input.joinsLocked ?? false,
        guestsAllowed: input.guestsAllowed ?? true,
      });
      return event.toObject();
    } catch (error) {
      // A code still in use by an event that has not ended: the unique index catches it, so draw again.
      if (!isDuplicateKeyError(error)) throw error;
      // Or the event a retried request (same Idempotency-Key, same reserved id) stored before.
      const stored = await Event.findOne({ _id, createdBy: new mongoose.Types.ObjectId(hostId) }).lean<EventDoc>();
      if (stored) return stored;
      if (attempt >= JOIN_CODE_ATTEMPTS) throw busyError("No free join code was found; please try again.");
    }
  }
}

/** The largest lobby an event response lists: the first joiners in join order (docs/limits.md). */
export const LOBBY_LIMIT = 5_000;

/**
 * The first LOBBY_LIMIT participants in join order, projected: (eventId, seq) index. One batch, so
 * one round trip: without it the driver fetches 101 documents and then pages with getMore.
 */
export function getLobby(eventId: mongoose.Types.ObjectId): Promise<ParticipantEntry[]> {
  return Participant.find({ eventId }, { _id: 1, userId: 1, name: 1 })
    .sort({ seq: 1 })
    .limit(LOBBY_LIMIT)
    .batchSize(LOBBY_LIMIT)
    .lean<ParticipantEntry[]>()
    .exec();
}

export interface EventWithLobby {
  event: EventDoc;
  lobby: ParticipantEntry[];
}

/** An event and its lobby: the event by _id, then one indexed query for the lobby. */
export async function getEventOrThrow(eventId: string): Promise<EventWithLobby> {
  const event = await Event.findById(eventId).lean<EventDoc>();
  if (!event) throw eventNotFound();
  return { event, lobby: await getLobby(event._id) };
}

/**
 * The event a join code belongs to: the one that has not ended (at most one holds
 * the code), or else the newest ended one, so that scanning an old code tells the phone the event
 * is Completed.
 */
export async function getEventByJoinCodeOrThrow(joinCode: string): Promise<EventDoc> {
  const event =
    (await Event.findOne({ joinCodeKey: joinCode }).lean<EventDoc>()) ??
    (await Event.findOne({ joinCode }).sort({ createdAt: -1 }).lean<EventDoc>());
  if (!event) throw new ApiError("not_found", "No event with that join code.");
  return event;
}
