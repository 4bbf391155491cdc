import mongoose from "mongoose";
import { ApiError, eventNotFound } from "../errors";
import { ActivityEntry } from "../models/activity-entry";
import { Ban } from "../models/ban";
import { BingoCard } from "../models/bingo-card";
import { DeletedEvent, type DeletedEventDoc } from "../models/deleted-event";
import { Event } from "../models/event";
import { NameSuffixCounter } from "../models/name-suffix-counter";
import { Participant } from "../models/participant";
import { ParticipantConnection } from "../models/participant-connection";
import { eventDeleted, toSequenced } from "../realtime/messages";
import { publishMessages, realtimeMode } from "../realtime/pusher";
import { reserveSeqs } from "../realtime/sequence";

/**
 * DELETE /api/events/:eventId – the host deletes an event in any state, in this order
 * (docs/data-model.md):
 * 1. one `$inc` on the event, conditional on the host, reserves the seq of `event-deleted`;
 * 2. a `DeletedEvent` (the deletion in progress, holding that seq) is written;
 * 3. the event document is deleted: from here every route answers 404 for it, and no join,
 *    start or bingo mark can match it;
 * 4. everything stored under the event is deleted (deleteEventData);
 * 5. `event-deleted {eventId}` is published and the DeletedEvent marked sent.
 * The cron (jobs/finish-deletions) finishes any deletion whose DeletedEvent is RETRY_AFTER_MS
 * old: it repeats 3 and 4 (which also removes what a request in flight at step 3 wrote after
 * step 4), publishes if 5 did not, then deletes the DeletedEvent.
 */
export async function deleteEvent(eventId: string, hostId: string): Promise<void> {
  const eventObjectId = new mongoose.Types.ObjectId(eventId);
  const reserved = await reserveSeqs(eventObjectId, 1, {
    where: { createdBy: new mongoose.Types.ObjectId(hostId) },
    audit: false,
  });
  if (!reserved) {
    if (!(await Event.exists({ _id: eventObjectId }))) throw eventNotFound();
    throw new ApiError("forbidden", "Only the event's host can do that.");
  }
  // An earlier attempt that died may have written it already: its seq stands.
  const tombstone = await DeletedEvent.findOneAndUpdate(
    { _id: eventObjectId },
    { $setOnInsert: { seq: reserved.firstSeq, deletedAt: new Date(), sent: false } },
    { upsert: true, returnDocument: "after" },
  ).lean<DeletedEventDoc>();
  const { deletedCount } = await Event.deleteOne({ _id: eventObjectId });
  // A concurrent delete took it: that request finishes the deletion.
  if (deletedCount === 0) throw eventNotFound();
  await deleteEventData(eventObjectId);
  if (tombstone) await publishEventDeleted(tombstone);
}

/**
 * Deletes everything stored under an event but the event document itself. Every collection that
 * holds documents of an event is listed here, so a deletion leaves nothing behind.
 */
export async function deleteEventData(eventId: mongoose.Types.ObjectId): Promise<void> {
  await Participant.deleteMany({ eventId });
  await BingoCard.deleteMany({ eventId });
  await ActivityEntry.deleteMany({ eventId });
  // Counter ids are `<eventId>:<name key hex>` (events/join-event.ts): an anchored prefix.
  await NameSuffixCounter.deleteMany({ _id: { $regex: `^${eventId.toHexString()}:` } });
  await ParticipantConnection.deleteMany({ eventId });
  await Ban.deleteMany({ eventId });
}

/** Publishes `event-deleted` unless it went out already; true when nothing is left to send. */
export async function publishEventDeleted(tombstone: DeletedEventDoc): Promise<boolean> {
  // Without Pusher there is nothing to send, and nothing to keep the DeletedEvent for.
  if (tombstone.sent || realtimeMode === "disabled") return true;
  const eventId = tombstone._id.toHexString();
  const { accepted } = await publishMessages(eventId, [
    toSequenced(eventDeleted(eventId, tombstone.seq, tombstone.deletedAt)),
  ]);
  if (accepted === 0) return false;
  await DeletedEvent.updateOne({ _id: tombstone._id }, { $set: { sent: true } });
  return true;
}
