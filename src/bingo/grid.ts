import mongoose from "mongoose";
import { ApiError, eventNotFound } from "../errors";
import { Event, type EventDoc } from "../models/event";
import type { BingoInput } from "../schemas/bingo";
import { type SerializedBingo, serializeBingo } from "./serialize";

/**
 * PUT …/bingo (and the apps' createBingo / updateBingo): the host swaps the grid, and its
 * description when one is given, while the event is pending, in one conditional update, so a
 * grid can never change under cards that already have marks (marks need an active event).
 */
export async function replaceBingoGrid(eventId: string, hostId: string, input: BingoInput): Promise<SerializedBingo> {
  const set = {
    "bingo.size": input.grid.length,
    "bingo.grid": input.grid.flat(),
    ...(input.description !== undefined ? { "bingo.description": input.description } : {}),
  };
  const event = await Event.findOneAndUpdate(
    { _id: eventId, createdBy: new mongoose.Types.ObjectId(hostId), currentState: "pending" },
    { $set: set },
    { returnDocument: "after" },
  ).lean<EventDoc>();
  if (!event) throw await explainRefusedGridChange(eventId, hostId);
  return serializeBingo(event.bingo);
}

async function explainRefusedGridChange(eventId: string, hostId: string): Promise<ApiError> {
  const current = await Event.findById(eventId, { createdBy: 1, currentState: 1 }).lean<EventDoc>();
  if (!current) return eventNotFound();
  if (!current.createdBy.equals(hostId))
    return new ApiError("forbidden", "Only the event's host can change the bingo grid.");
  return new ApiError(
    "event_not_pending",
    `The bingo grid can only be changed before the event starts; it is ${current.currentState}.`,
  );
}
