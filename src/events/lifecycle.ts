import mongoose from "mongoose";
import { ApiError } from "../http/errors";
import { Event, type EventDoc } from "../models/event";
import { activityEntry, deliverActivity } from "../realtime/activity";
import { eventNotFound } from "./event-store";

export type TargetState = "active" | "ended";

const TRANSITIONS = {
  active: { from: "pending", stamp: "startedAt" },
  ended: { from: "active", stamp: "endedAt" },
} as const;

/**
 * Moves an event pending → active or active → ended for its host, in one conditional update that
 * also records event-started / event-ended in the activity log, so of two concurrent starts
 * exactly one matches and one event is announced. Publishes it before returning.
 */
export async function transitionEvent(eventId: string, hostId: string, to: TargetState): Promise<EventDoc> {
  const { from, stamp } = TRANSITIONS[to];
  const at = new Date();
  const announcement = activityEntry(
    to === "active"
      ? { name: "event-started", data: { eventId, state: "active", startedAt: at.toISOString() } }
      : { name: "event-ended", data: { eventId, state: "ended", endedAt: at.toISOString() } },
    at,
  );
  const event = await Event.findOneAndUpdate(
    { _id: eventId, createdBy: new mongoose.Types.ObjectId(hostId), currentState: from },
    { $set: { currentState: to, [stamp]: at }, $push: { activity: announcement } },
    { returnDocument: "after" },
  ).lean<EventDoc>();
  if (!event) throw await explainRefusedTransition(eventId, hostId, to);
  await deliverActivity(event, 1);
  return event;
}

async function explainRefusedTransition(eventId: string, hostId: string, to: TargetState): Promise<ApiError> {
  const current = await Event.findById(eventId, { createdBy: 1, currentState: 1 }).lean<EventDoc>();
  if (!current) return eventNotFound();
  if (!current.createdBy.equals(hostId)) return new ApiError("forbidden", "Only the event's host can do that.");
  return new ApiError("invalid_transition", `An event that is ${current.currentState} cannot become ${to}.`);
}
