import mongoose from "mongoose";
import { ApiError } from "../errors";
import { ActivityEntry } from "../models/activity-entry";
import { BingoCard } from "../models/bingo-card";
import { DeletedEvent, type DeletedEventDoc } from "../models/deleted-event";
import { Event, type EventDoc } from "../models/event";
import { NameSuffixCounter } from "../models/name-suffix-counter";
import { Participant } from "../models/participant";
import { ParticipantConnection } from "../models/participant-connection";
import { RETRY_AFTER_MS } from "../realtime/activity";
import { publishMessages, realtimeMode } from "../realtime/pusher";
import { sequenced } from "../schemas/realtime";
import { eventNotFound } from "./event-store";

const CRON_DELETIONS = 25;

/**
 * DELETE /api/events/:eventId – the host deletes an event in any state, in this order (README,
 * "Data model"):
 * 1. one `$inc` on the event, conditional on the host, reserves the seq of `event-deleted`;
 * 2. a `DeletedEvent` (the deletion in progress, holding that seq) is written;
 * 3. the event document is deleted: from here every route answers 404 for it, and no join,
 *    start or bingo mark can match it;
 * 4. everything stored under the event is deleted (deleteEventData);
 * 5. `event-deleted {eventId}` is published and the DeletedEvent marked sent.
 * The cron finishes any deletion whose DeletedEvent is RETRY_AFTER_MS old: it repeats 3 and 4
 * (which also removes what a request in flight at step 3 wrote after step 4), publishes if 5 did
 * not, then deletes the DeletedEvent.
 */
export async function deleteEvent(eventId: string, hostId: string): Promise<void> {
  const eventObjectId = new mongoose.Types.ObjectId(eventId);
  const event = await Event.findOneAndUpdate(
    { _id: eventObjectId, createdBy: new mongoose.Types.ObjectId(hostId) },
    { $inc: { lastSeq: 1 } },
    { returnDocument: "after" },
  ).lean<Pick<EventDoc, "_id" | "lastSeq">>();
  if (!event) {
    if (!(await Event.exists({ _id: eventObjectId }))) throw eventNotFound();
    throw new ApiError("forbidden", "Only the event's host can do that.");
  }
  // An earlier attempt that died may have written it already: its seq stands.
  const tombstone = await DeletedEvent.findOneAndUpdate(
    { _id: eventObjectId },
    { $setOnInsert: { seq: event.lastSeq, deletedAt: new Date(), sent: false } },
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
}

async function publishEventDeleted(tombstone: DeletedEventDoc): Promise<boolean> {
  // Without Pusher there is nothing to send, and nothing to keep the DeletedEvent for.
  if (tombstone.sent || realtimeMode === "disabled") return true;
  const eventId = tombstone._id.toHexString();
  const { accepted } = await publishMessages(eventId, [
    sequenced({ name: "event-deleted", data: { eventId } }, tombstone.seq),
  ]);
  if (accepted === 0) return false;
  await DeletedEvent.updateOne({ _id: tombstone._id }, { $set: { sent: true } });
  return true;
}

/**
 * For the cron function: finishes deletions that are RETRY_AFTER_MS old (see deleteEvent) and
 * resolves to how many it finished. A DeletedEvent stays while `event-deleted` is unsent.
 */
export async function finishEventDeletions(now = Date.now()): Promise<number> {
  const due = await DeletedEvent.find({ deletedAt: { $lt: new Date(now - RETRY_AFTER_MS) } })
    .limit(CRON_DELETIONS)
    .lean<DeletedEventDoc[]>();
  let finished = 0;
  for (const tombstone of due) {
    await Event.deleteOne({ _id: tombstone._id });
    await deleteEventData(tombstone._id);
    if (!(await publishEventDeleted(tombstone))) continue;
    await DeletedEvent.deleteOne({ _id: tombstone._id });
    finished++;
  }
  return finished;
}
