import mongoose from "mongoose";
import { ApiError, busyError, eventNotFound } from "../errors";
import type { EventDoc } from "../models/event";
import { lifecycleAnnouncements } from "../realtime/messages";
import { announce } from "../realtime/outbox";
import { readNextSeq, reserveSeqsFrom } from "../realtime/sequence";
import { releasedJoinCodeKey } from "./join-codes";

export type TargetState = "active" | "ended";

const TRANSITIONS = {
  active: { from: "pending", stamp: "startedAt", seqField: "startedSeq", releasesJoinCode: false },
  // An ended event gives its join code back, so a new event may draw it.
  ended: { from: "active", stamp: "endedAt", seqField: "endedSeq", releasesJoinCode: true },
} as const;

// Each lost race means another write took the next seq; the event stays open to writes, so a
// start can lose to joins a few times in a row at most.
const TRANSITION_ATTEMPTS = 20;

/**
 * Moves an event pending → active or active → ended for its host. The event is read (bounded)
 * for the checks and its next seq; then one update conditional on the state and on no seq having
 * been taken since sets the state, its timestamp and `startedSeq` / `endedSeq`, taking two seqs: the
 * guide's event-started / event-ended, then the apps' `event` with the new status in their words.
 * So of two concurrent starts exactly one matches, and the seqs of its announcements are stored
 * with the change (the cron rebuilds their log entries from it if the function dies before
 * writing them). Both go out in one Pusher request, then to the log, before returning.
 */
export async function transitionEvent(eventId: string, hostId: string, to: TargetState): Promise<EventDoc> {
  const { from, stamp, seqField, releasesJoinCode } = TRANSITIONS[to];
  for (let attempt = 0; attempt < TRANSITION_ATTEMPTS; attempt++) {
    const read = await readNextSeq<Pick<EventDoc, "createdBy" | "currentState">>(eventId, {
      createdBy: 1,
      currentState: 1,
    });
    if (!read) throw eventNotFound();
    const { event: current, nextSeq } = read;
    if (!current.createdBy.equals(hostId)) throw new ApiError("forbidden", "Only the event's host can do that.");
    if (current.currentState !== from) {
      throw new ApiError("invalid_transition", `An event that is ${current.currentState} cannot become ${to}.`);
    }
    const at = new Date();
    const announcements = lifecycleAnnouncements(eventId, to, nextSeq, at);
    const event = await reserveSeqsFrom(eventId, nextSeq, announcements.length, {
      where: { createdBy: new mongoose.Types.ObjectId(hostId), currentState: from },
      set: {
        currentState: to,
        [stamp]: at,
        [seqField]: nextSeq,
        ...(releasesJoinCode ? { joinCodeKey: releasedJoinCodeKey(eventId) } : {}),
      },
    });
    if (!event) continue;
    await announce(event, announcements);
    return event;
  }
  throw busyError("The event is busy; please try again.");
}
