import mongoose from "mongoose";
import { ApiError, busyError, eventNotFound } from "../errors";
import { Event, type EventDoc, UNLIMITED_SEATS } from "../models/event";
import type { UpdateEventInput } from "../schemas/event";

// Each lost race means a join or another edit changed what the update is conditional on.
const EDIT_ATTEMPTS = 20;

/**
 * PUT /api/events/:eventId – the host edits an event that has not ended. The event is read for
 * the checks; then one update conditional on what they read (host, not ended, the old
 * `maxParticipant`, the stored dates a one-sided date change is checked against) and on
 * `participantCount <= maxParticipant` sets the fields. A new limit moves `openSeats` by the same
 * `$inc` as the limit, so concurrent joins (each a conditional `$inc` of the same document) can
 * never leave more participants than the new limit: either the edit comes first and the joins
 * find the new number of seats, or the joins come first and the edit sees their count.
 */
export async function updateEvent(eventId: string, hostId: string, input: UpdateEventInput): Promise<EventDoc> {
  for (let attempt = 0; attempt < EDIT_ATTEMPTS; attempt++) {
    const current = await Event.findById(eventId, {
      createdBy: 1,
      currentState: 1,
      maxParticipant: 1,
      participantCount: 1,
      startDate: 1,
      endDate: 1,
    }).lean<EventDoc>();
    if (!current) throw eventNotFound();
    if (!current.createdBy.equals(hostId)) throw new ApiError("forbidden", "Only the event's host can do that.");
    if (current.currentState === "ended")
      throw new ApiError("event_ended", "An event that has ended cannot be edited.");
    if (input.meetingProof !== undefined && current.currentState !== "pending")
      throw new ApiError("event_not_pending", "meetingProof can only change before the event starts.");

    const startDate = input.startDate === undefined ? current.startDate : input.startDate;
    const endDate = input.endDate === undefined ? current.endDate : input.endDate;
    if (startDate && endDate && endDate <= startDate) {
      const issue =
        input.endDate === undefined
          ? { path: "startDate", message: "must be before endDate" }
          : { path: "endDate", message: "must be after startDate" };
      throw new ApiError("invalid_input", "The request is not valid.", [issue]);
    }
    const oldMax = current.maxParticipant ?? null;
    const newMax = input.maxParticipant === undefined ? oldMax : input.maxParticipant;
    if (newMax !== null && current.participantCount > newMax) throw limitTooLow(current.participantCount);

    const set: Record<string, unknown> = {};
    if (input.name !== undefined) set.name = input.name;
    if (input.description !== undefined) set.description = input.description;
    if (input.startDate !== undefined) set.startDate = input.startDate;
    if (input.endDate !== undefined) set.endDate = input.endDate;
    if (newMax !== oldMax) set.maxParticipant = newMax;
    if (input.joinsLocked !== undefined) set.joinsLocked = input.joinsLocked;
    if (input.guestsAllowed !== undefined) set.guestsAllowed = input.guestsAllowed;
    if (input.meetingProof !== undefined) set.meetingProof = input.meetingProof;
    const seatsAdded = (newMax ?? UNLIMITED_SEATS) - (oldMax ?? UNLIMITED_SEATS);

    const event = await Event.findOneAndUpdate(
      {
        _id: eventId,
        createdBy: new mongoose.Types.ObjectId(hostId),
        currentState: input.meetingProof !== undefined ? "pending" : { $ne: "ended" },
        maxParticipant: oldMax,
        // A one-sided date change was checked against the other, stored date.
        ...(input.startDate !== undefined && input.endDate === undefined ? { endDate: current.endDate } : {}),
        ...(input.endDate !== undefined && input.startDate === undefined ? { startDate: current.startDate } : {}),
        ...(newMax !== null ? { participantCount: { $lte: newMax } } : {}),
      },
      { $set: set, ...(seatsAdded !== 0 ? { $inc: { openSeats: seatsAdded } } : {}) },
      { returnDocument: "after" },
    ).lean<EventDoc>();
    if (event) return event;
  }
  throw busyError("The event is busy; please try again.");
}

function limitTooLow(participantCount: number): ApiError {
  return new ApiError(
    "participant_limit_too_low",
    `maxParticipant cannot be below the ${participantCount} people who already joined.`,
  );
}
