import mongoose from "mongoose";
import { ApiError, eventNotFound } from "../errors";
import { Event, type EventDoc } from "../models/event";
import { Participant, type ParticipantEntry } from "../models/participant";
import { participantLeft } from "../realtime/messages";
import { logUnsent, publishLogged, withdrawLogged } from "../realtime/outbox";
import { recordSeqGaps, reserveSeqs } from "../realtime/sequence";
import type { ParticipantLeftPayload } from "../schemas/realtime";
import { findParticipantByUser } from "./join-event";

/**
 * POST /api/events/:eventId/leave – the caller's participant leaves an event that has not ended,
 * in this order (docs/data-model.md):
 * 1. one conditional `$inc` on the event (not ended) reserves the seq of `participant-left`;
 * 2-5. `depart` (below).
 * A death after 1 leaves a seq gap, after 3 a seat taken: the cron's audit settles both.
 */
export async function leaveEvent(eventId: string, userId: string): Promise<ParticipantEntry> {
  const eventObjectId = new mongoose.Types.ObjectId(eventId);
  const participant = await findParticipantByUser(eventObjectId, userId);
  if (!participant) {
    if (!(await Event.exists({ _id: eventObjectId }))) throw eventNotFound();
    throw notParticipant();
  }
  const departed = await reserveAndDepart(eventObjectId, participant, { where: { currentState: { $ne: "ended" } } });
  if (departed === "refused") {
    if (!(await Event.exists({ _id: eventObjectId }))) throw eventNotFound();
    throw new ApiError("event_ended", "This event has ended.");
  }
  if (departed === "gone") throw notParticipant();
  return participant;
}

/**
 * Steps 1–5 for one participant: a leave, and how an account deletion removes each of its
 * participations (privacy/delete-account), in any state and announced under a neutral `name`.
 * "refused": the event did not match (gone, or a condition of `where` failed), nothing changed;
 * "gone": a concurrent leave or remove of the same participant won.
 */
export async function reserveAndDepart(
  eventObjectId: mongoose.Types.ObjectId,
  participant: ParticipantEntry,
  { where = {}, name = participant.name }: { where?: Record<string, unknown>; name?: string } = {},
): Promise<"departed" | "refused" | "gone"> {
  const reserved = await reserveSeqs(eventObjectId, 1, { where });
  if (!reserved) return "refused";
  const departed = await depart(reserved.event, { ...participant, name }, reserved.firstSeq, "left");
  return departed ? "departed" : "gone";
}

/**
 * A participant goes, under the `participant-left` seq already reserved (a leave, an account
 * deletion, or the host's remove in remove-participant.ts), announced under `participant.name`:
 * 2. `participant-left` is written to the activity log, unsent: from here the departure is decided
 *    (the cron finishes it, step 3, if the function dies);
 * 3. the participant is deleted, which frees its name (the unique name index) and lets the user
 *    join again; a concurrent leave or remove that deleted it first makes this one take its entry
 *    back (the seq becomes a gap) and answer false;
 * 4. one `$inc` gives the seat back: only after the participant is gone, so capacity holds;
 * 5. it is published and marked sent.
 */
export async function depart(
  event: EventDoc,
  participant: ParticipantEntry,
  seq: number,
  reason: ParticipantLeftPayload["reason"],
): Promise<boolean> {
  const left = { participantId: participant._id.toHexString(), name: participant.name, reason };
  const entries = await logUnsent(event._id, [participantLeft(left, seq, new Date())]);
  const { deletedCount } = await Participant.deleteOne({ _id: participant._id, eventId: event._id });
  if (deletedCount === 0) {
    // A concurrent leave or remove of the same participant won: this one's entry announces nothing.
    await withdrawLogged(event._id, seq);
    await recordSeqGaps(event._id, 1);
    return false;
  }
  await Event.updateOne({ _id: event._id }, { $inc: { openSeats: 1, participantCount: -1 } });
  await publishLogged(event, entries);
  return true;
}

function notParticipant(): ApiError {
  return new ApiError("forbidden", "You are not a participant of this event.");
}
