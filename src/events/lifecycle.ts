import mongoose from "mongoose";
import { ApiError, busyError, eventNotFound } from "../errors";
import { Event, type EventDoc } from "../models/event";
import { lifecycleAnnouncements } from "../realtime/messages";
import { announceUncounted } from "../realtime/outbox";
import { reserveSeqs } from "../realtime/sequence";
import { releasedJoinCodeKey } from "./join-codes";

export type TargetState = "active" | "ended";

const TRANSITIONS = {
  active: { from: "pending", stamp: "startedAt", releasesJoinCode: false },
  // An ended event gives its join code back, so a new event may draw it.
  ended: { from: "active", stamp: "endedAt", releasesJoinCode: true },
} as const;

/** The seqs a transition takes: the guide's event-started / event-ended, then the apps' `event`. */
const TRANSITION_SEQS = 2;

/**
 * Moves an event pending → active or active → ended for its host, in 2 commands: one update
 * conditional on the host and the state sets the state and its timestamp and takes the two seqs
 * (reserveSeqs: `$inc lastSeq`, atomic, so a concurrent join never shares them), then the
 * announcements go out in one Pusher request and to the log in one insert. Of two concurrent
 * starts exactly one matches. Only when nothing matched is the event read, to say why. The write
 * is not counted in flight (that would cost a third command): a log insert that fails marks the
 * event for repair itself (announceUncounted), and the cron finds the transitions of a function
 * that died in between (jobs/unlogged-transitions.ts); the repair announces again what the log
 * lacks (jobs/audit.ts).
 */
export async function transitionEvent(eventId: string, hostId: string, to: TargetState): Promise<EventDoc> {
  const { from, stamp, releasesJoinCode } = TRANSITIONS[to];
  const at = new Date();
  const reserved = await reserveSeqs(eventId, TRANSITION_SEQS, {
    where: { createdBy: new mongoose.Types.ObjectId(hostId), currentState: from },
    set: { currentState: to, [stamp]: at, ...(releasesJoinCode ? { joinCodeKey: releasedJoinCodeKey(eventId) } : {}) },
    audit: false,
  });
  if (!reserved) throw await whyNotTransitioned(eventId, hostId, to);
  await announceUncounted(reserved.event, lifecycleAnnouncements(eventId, to, reserved.firstSeq, at));
  return reserved.event;
}

/** The error for a transition that matched nothing, from one read of the event. */
async function whyNotTransitioned(eventId: string, hostId: string, to: TargetState): Promise<ApiError> {
  const current = await Event.findById(eventId, { createdBy: 1, currentState: 1 }).lean<
    Pick<EventDoc, "createdBy" | "currentState">
  >();
  if (!current) return eventNotFound();
  if (!current.createdBy.equals(hostId)) return new ApiError("forbidden", "Only the event's host can do that.");
  if (current.currentState !== TRANSITIONS[to].from) {
    return new ApiError("invalid_transition", `An event that is ${current.currentState} cannot become ${to}.`);
  }
  // It matches now, so it did not a moment ago: states only move forward, so this cannot happen
  // short of the event being replaced under the same id. Ask for a retry rather than guess.
  return busyError("The event is busy; please try again.");
}
