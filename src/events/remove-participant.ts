import mongoose from "mongoose";
import { ApiError, eventNotFound } from "../errors";
import { Event, type EventDoc } from "../models/event";
import { Participant, type ParticipantEntry } from "../models/participant";
import { reserveSeqs } from "../realtime/sequence";
import { recordBan, requireHost } from "./bans";
import { depart } from "./leave-event";

/**
 * DELETE /api/events/:eventId/participants/:participantId – the host removes a participant from
 * an event that has not ended: the leave's steps (leave-event.ts) with `reason: "removed"`.
 * 1. the participant is read by _id within the event;
 * 2. one conditional `$inc` on the event (host, not ended) reserves the seq of `participant-left`
 *    and, with `ban`, sets `hasBans`, so every join from here on reads the bans;
 * 3. with `ban`, the ban is recorded: before the participant goes, so a rejoin right after the
 *    remove is refused;
 * 4-7. `depart`: logged unsent, participant deleted, seat given back, published.
 * A remove racing the participant's own leave (or a second remove): one deletes the participant,
 * the other withdraws its entry (a seq gap) and answers 404; a ban recorded in 3 stands.
 */
export async function removeParticipant(
  eventId: string,
  hostId: string,
  participantId: string,
  { ban = false }: { ban?: boolean } = {},
): Promise<ParticipantEntry> {
  const eventObjectId = new mongoose.Types.ObjectId(eventId);
  const participant = await Participant.findOne(
    { _id: new mongoose.Types.ObjectId(participantId), eventId: eventObjectId },
    { _id: 1, userId: 1, name: 1 },
  ).lean<ParticipantEntry>();
  if (!participant) {
    await requireHost(eventId, hostId);
    throw participantNotFound();
  }
  const reserved = await reserveSeqs(eventObjectId, 1, {
    where: { currentState: { $ne: "ended" }, createdBy: new mongoose.Types.ObjectId(hostId) },
    ...(ban ? { set: { hasBans: true } } : {}),
  });
  if (!reserved) throw await whyNotReserved(eventObjectId, hostId);
  if (ban) await recordBan(eventObjectId, participant);
  if (!(await depart(reserved.event, participant, reserved.firstSeq, "removed"))) throw participantNotFound();
  return participant;
}

async function whyNotReserved(eventId: mongoose.Types.ObjectId, hostId: string): Promise<ApiError> {
  const event = await Event.findById(eventId, { createdBy: 1, currentState: 1 }).lean<
    Pick<EventDoc, "createdBy" | "currentState">
  >();
  if (!event) return eventNotFound();
  if (!event.createdBy.equals(hostId)) return new ApiError("forbidden", "Only the event's host can do that.");
  return new ApiError("event_ended", "This event has ended.");
}

function participantNotFound(): ApiError {
  return new ApiError("not_found", "No participant with that id in this event.");
}
