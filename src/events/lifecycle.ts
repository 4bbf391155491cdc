import mongoose from "mongoose";
import { ApiError } from "../http/errors";
import { Event, type EventDoc } from "../models/event";
import { activityEntry, deliverActivity } from "../realtime/activity";
import { APP_STATE_NAMES } from "./event-states";
import { eventNotFound } from "./event-store";
import { releasedJoinCodeKey } from "./join-codes";

export type TargetState = "active" | "ended";

const TRANSITIONS = {
  active: { from: "pending", stamp: "startedAt", status: APP_STATE_NAMES.active, releasesJoinCode: false },
  // An ended event gives its join code back, so a new event may draw it.
  ended: { from: "active", stamp: "endedAt", status: APP_STATE_NAMES.ended, releasesJoinCode: true },
} as const;

/**
 * Moves an event pending → active or active → ended for its host, in one conditional update that
 * also records the announcements in the activity log, so of two concurrent starts exactly one
 * matches and one start is announced: the guide's event-started / event-ended and, for the apps,
 * `event` with the new status in their words. Both go out in one Pusher request before returning.
 */
export async function transitionEvent(eventId: string, hostId: string, to: TargetState): Promise<EventDoc> {
  const { from, stamp, status, releasesJoinCode } = TRANSITIONS[to];
  const at = new Date();
  const announcements = [
    activityEntry(
      to === "active"
        ? { name: "event-started", data: { eventId, state: "active", startedAt: at.toISOString() } }
        : { name: "event-ended", data: { eventId, state: "ended", endedAt: at.toISOString() } },
      at,
    ),
    activityEntry({ name: "event", data: { status } }, at),
  ];
  const event = await Event.findOneAndUpdate(
    { _id: eventId, createdBy: new mongoose.Types.ObjectId(hostId), currentState: from },
    {
      $set: {
        currentState: to,
        [stamp]: at,
        ...(releasesJoinCode ? { joinCodeKey: releasedJoinCodeKey(eventId) } : {}),
      },
      $push: { activity: { $each: announcements } },
    },
    { returnDocument: "after" },
  ).lean<EventDoc>();
  if (!event) throw await explainRefusedTransition(eventId, hostId, to);
  await deliverActivity(event, announcements.length);
  return event;
}

async function explainRefusedTransition(eventId: string, hostId: string, to: TargetState): Promise<ApiError> {
  const current = await Event.findById(eventId, { createdBy: 1, currentState: 1 }).lean<EventDoc>();
  if (!current) return eventNotFound();
  if (!current.createdBy.equals(hostId)) return new ApiError("forbidden", "Only the event's host can do that.");
  return new ApiError("invalid_transition", `An event that is ${current.currentState} cannot become ${to}.`);
}
