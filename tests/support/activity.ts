import mongoose from "mongoose";
import { ActivityEntry, type ActivityEntryDoc } from "../../src/models/activity-entry";
import { Event } from "../../src/models/event";
import { RETRY_AFTER_MS } from "../../src/realtime/resend";

// Reaching into the activity log the way the retry paths see it: what is stored, and time moved on.

/** The event's activity-log entries as stored, in seq order. */
export function storedActivity(eventId: string): Promise<ActivityEntryDoc[]> {
  return ActivityEntry.find({ eventId: new mongoose.Types.ObjectId(eventId) })
    .sort({ seq: 1 })
    .lean<ActivityEntryDoc[]>()
    .exec();
}

/**
 * Makes the event look untouched for longer than the retry delay: its unsent entries, its
 * "re-send due" flag and its last write, so the next write and the cron treat them as abandoned.
 */
export async function ageActivity(eventId: string, to = new Date(Date.now() - RETRY_AFTER_MS - 1_000)): Promise<void> {
  const _id = new mongoose.Types.ObjectId(eventId);
  await ActivityEntry.updateMany({ eventId: _id }, { $set: { at: to } });
  await ActivityEntry.updateMany({ eventId: _id, sent: false }, { $set: { dueAt: to, claim: null } });
  await Event.updateOne({ _id, resendDueAt: { $ne: null } }, { $set: { resendDueAt: to } }, { timestamps: false });
  await Event.updateOne({ _id }, { $set: { updatedAt: to } }, { timestamps: false });
}
