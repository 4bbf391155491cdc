import mongoose from "mongoose";
import { ApiError } from "../http/errors";
import { Event, type EventDoc } from "../models/event";
import { publishEventEnded, publishEventStarted } from "../realtime/pusher";
import { eventNotFound } from "./event-store";

export type TargetState = "active" | "ended";

const TRANSITIONS = {
  active: { from: "pending", stamp: "startedAt" },
  ended: { from: "active", stamp: "endedAt" },
} as const;

/**
 * Moves an event pending → active or active → ended for its host, in one conditional update, so
 * of two concurrent starts exactly one matches. Publishes event-started / event-ended after.
 */
export async function transitionEvent(eventId: string, hostId: string, to: TargetState): Promise<EventDoc> {
  const { from, stamp } = TRANSITIONS[to];
  const at = new Date();
  const event = await Event.findOneAndUpdate(
    { _id: eventId, createdBy: new mongoose.Types.ObjectId(hostId), currentState: from },
    { $set: { currentState: to, [stamp]: at } },
    { new: true },
  ).lean<EventDoc>();
  if (!event) throw await explainRefusedTransition(eventId, hostId, to);

  const id = event._id.toHexString();
  if (to === "active") await publishEventStarted(id, { eventId: id, state: "active", startedAt: at.toISOString() });
  else await publishEventEnded(id, { eventId: id, state: "ended", endedAt: at.toISOString() });
  return event;
}

async function explainRefusedTransition(eventId: string, hostId: string, to: TargetState): Promise<ApiError> {
  const current = await Event.findById(eventId, { createdBy: 1, currentState: 1 }).lean<EventDoc>();
  if (!current) return eventNotFound();
  if (!current.createdBy.equals(hostId)) return new ApiError("forbidden", "Only the event's host can do that.");
  return new ApiError("invalid_transition", `An event that is ${current.currentState} cannot become ${to}.`);
}
