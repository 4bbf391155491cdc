import { randomInt } from "node:crypto";
import mongoose from "mongoose";
import { drawBingoGrid } from "../bingo/prompts";
import { ApiError, isDuplicateKeyError } from "../http/errors";
import { Event, type EventDoc, UNLIMITED_SEATS } from "../models/event";
import type { CreateEventInput } from "../schemas/event";

const JOIN_CODE_ATTEMPTS = 5;
const DEFAULT_BINGO_SIZE = 5;

function newJoinCode(): string {
  return String(randomInt(10_000_000, 100_000_000));
}

/** Creates a pending event with a fresh unique 8-digit join code. */
export async function createEvent(hostId: string, input: CreateEventInput): Promise<EventDoc> {
  const grid = input.bingo?.grid.flat() ?? drawBingoGrid(DEFAULT_BINGO_SIZE);
  const size = input.bingo?.grid.length ?? DEFAULT_BINGO_SIZE;
  for (let attempt = 1; ; attempt++) {
    try {
      const event = await Event.create({
        name: input.name,
        description: input.description ?? "",
        joinCode: newJoinCode(),
        startDate: input.startDate ?? null,
        endDate: input.endDate ?? null,
        maxParticipant: input.maxParticipant ?? null,
        openSeats: input.maxParticipant ?? UNLIMITED_SEATS,
        createdBy: new mongoose.Types.ObjectId(hostId),
        bingo: { size, grid },
      });
      return event.toObject();
    } catch (error) {
      // Two events drawing the same code is rare; the unique index catches it, so draw again.
      if (!isDuplicateKeyError(error) || attempt >= JOIN_CODE_ATTEMPTS) throw error;
    }
  }
}

export async function getEventOrThrow(eventId: string): Promise<EventDoc> {
  const event = await Event.findById(eventId, { activity: 0 }).lean<EventDoc>();
  if (!event) throw eventNotFound();
  return event;
}

export async function getEventActivityOrThrow(eventId: string): Promise<EventDoc["activity"]> {
  const event = await Event.findById(eventId, { activity: 1 }).lean<Pick<EventDoc, "activity">>();
  if (!event) throw eventNotFound();
  return event.activity;
}

export async function getEventByJoinCodeOrThrow(joinCode: string): Promise<EventDoc> {
  const event = await Event.findOne({ joinCode }, { activity: 0 }).lean<EventDoc>();
  if (!event) throw new ApiError("not_found", "No event with that join code.");
  return event;
}

export function eventNotFound(): ApiError {
  return new ApiError("not_found", "No event with that id.");
}
