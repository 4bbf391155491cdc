import mongoose from "mongoose";
import { ApiError, eventNotFound } from "../errors";
import { Event } from "../models/event";
import { Participant, type ParticipantEntry } from "../models/participant";
import { participantLeft } from "../realtime/messages";
import { logUnsent, publishLogged, withdrawLogged } from "../realtime/outbox";
import { recordSeqGaps, reserveSeqs } from "../realtime/sequence";
import { findParticipantByUser } from "./join-event";

/**
 * POST /api/events/:eventId/leave – the caller's participant leaves an event that has not ended,
 * in this order (README, "Data model"):
 * 1. one conditional `$inc` on the event (not ended) reserves the seq of `participant-left`;
 * 2. `participant-left` is written to the activity log, unsent: from here the leave is decided
 *    (the cron finishes it, step 3, if the function dies);
 * 3. the participant is deleted, which frees its name (the unique name index) and lets the user
 *    join again; a concurrent leave that deleted it first makes this one take its entry back;
 * 4. one `$inc` gives the seat back: only after the participant is gone, so capacity holds;
 * 5. it is published and marked sent.
 * A death after 1 leaves a seq gap, after 3 a seat taken: the cron's audit settles both.
 */
export async function leaveEvent(eventId: string, userId: string): Promise<ParticipantEntry> {
  const eventObjectId = new mongoose.Types.ObjectId(eventId);
  const participant = await findParticipantByUser(eventObjectId, userId);
  if (!participant) {
    if (!(await Event.exists({ _id: eventObjectId }))) throw eventNotFound();
    throw notParticipant();
  }
  const removed = await removeParticipant(eventObjectId, participant, { where: { currentState: { $ne: "ended" } } });
  if (removed === "refused") {
    if (!(await Event.exists({ _id: eventObjectId }))) throw eventNotFound();
    throw new ApiError("event_ended", "This event has ended.");
  }
  if (removed === "gone") throw notParticipant();
  return participant;
}

/**
 * Steps 1–5 of a leave for one participant: also how an account deletion removes each of its
 * participations (privacy/delete-account), in any state and announced under a neutral `name`.
 * "refused": the event did not match (gone, or a condition of `where` failed), nothing changed;
 * "gone": a concurrent removal of the same participant won.
 */
export async function removeParticipant(
  eventObjectId: mongoose.Types.ObjectId,
  participant: ParticipantEntry,
  { where = {}, name = participant.name }: { where?: Record<string, unknown>; name?: string } = {},
): Promise<"removed" | "refused" | "gone"> {
  const reserved = await reserveSeqs(eventObjectId, 1, { where });
  if (!reserved) return "refused";
  const { event, firstSeq: seq } = reserved;
  const left = { participantId: participant._id.toHexString(), name };
  const entries = await logUnsent(event._id, [participantLeft(left, seq, new Date())]);
  const { deletedCount } = await Participant.deleteOne({ _id: participant._id, eventId: eventObjectId });
  if (deletedCount === 0) {
    // A concurrent leave of the same participant won: this one's entry announces nothing.
    await withdrawLogged(eventObjectId, seq);
    await recordSeqGaps(eventObjectId, 1);
    return "gone";
  }
  await Event.updateOne({ _id: eventObjectId }, { $inc: { openSeats: 1, participantCount: -1 } });
  await publishLogged(event, entries);
  return "removed";
}

function notParticipant(): ApiError {
  return new ApiError("forbidden", "You are not a participant of this event.");
}
