import type mongoose from "mongoose";
import { logFailure } from "../log";
import { ActivityEntry, type ActivityEntryDoc } from "../models/activity-entry";
import { type Announcement, toSequenced } from "./messages";
import { type PublishOutcome, publishMessages, realtimeMode } from "./pusher";
import { dueAfter, flagResendDue, type OutboxEvent, publishAndSettle, RETRY_AFTER_MS, resendIfDue } from "./resend";
import { finishWrite, markCut } from "./sequence";

// Every realtime event goes: the change is stored holding its seq (a participant's `seq`, a card
// version's `achieved`; a transition only its timestamp), then it is published, then it is
// written to the activity log with `sent` saying whether Pusher took it. Pusher keeps no
// history, so the log is what a phone that was offline reads to catch up, and what lets an event
// that Pusher refused, or that a crashed function never logged, go out later: from the next write
// to the same event or from the cron function, which rebuilds a missing entry from the change
// that holds its seq (a transition's under new seqs: jobs/audit.ts). Delivery is at least once;
// clients drop a `seq` they have seen.
// What Pusher did not take goes out again from the log (resend.ts).

/**
 * Publishes what a write just stored, after anything older of the same event that is due for
 * re-sending (when the event says so), then writes the entries to the activity log in one insert,
 * and ends the write (finishWrite) when all of that is stored. Never throws: the change is
 * committed, and a lost log entry leaves the write in flight, so the event's repair rebuilds it.
 */
export async function announce(
  event: OutboxEvent,
  announcements: readonly Announcement[],
  now = Date.now(),
): Promise<number> {
  const { published, stored } = await publishAndRecord(event, announcements, now);
  if (stored) await finishWrite(event._id);
  return published;
}

/**
 * announce() for a write that did not count itself in flight (a transition: the count would cost
 * it a third command). Only when its log entries or the re-send flag fail to be stored does it
 * count one now (markCut), so the event is repaired once quiet, as for any cut write: the audit
 * announces again what the log lacks. Should that fail too, or the function die first, the cron's
 * check of recent transitions finds it (jobs/unlogged-transitions.ts). Never throws.
 */
export async function announceUncounted(
  event: OutboxEvent,
  announcements: readonly Announcement[],
  now = Date.now(),
): Promise<number> {
  const { published, stored } = await publishAndRecord(event, announcements, now);
  if (!stored) {
    await markCut([event._id]).catch((error: unknown) => logFailure("marking the event for repair failed", error));
  }
  return published;
}

/**
 * The steps both announce() variants take: what is due of the event first, then these
 * announcements in one Pusher request, then their log entries. Resolves to how many went out and
 * whether the log entries (and the re-send flag, if needed) were stored.
 */
async function publishAndRecord(
  event: OutboxEvent,
  announcements: readonly Announcement[],
  now: number,
): Promise<{ published: number; stored: boolean }> {
  const resent = await resendIfDue(event, now);
  const outcome = await publishMessages(event._id.toHexString(), announcements.map(toSequenced));
  const stored = await recordActivity(event._id, announcements, outcome, Date.now());
  return { published: resent + outcome.accepted, stored };
}

/**
 * Writes announcements to the log as unsent, before the change they announce is finished: for a
 * change that deletes what would otherwise hold its seq (a participant leaving). They count as in
 * flight (due only after RETRY_AFTER_MS), so no re-sender sends them while this request still
 * may; a request that dies leaves them to the cron, which audits the event before it re-sends.
 * Throws when the insert fails, so the caller can stop before changing anything.
 */
export async function logUnsent(
  eventId: mongoose.Types.ObjectId,
  announcements: readonly Announcement[],
  now = Date.now(),
): Promise<ActivityEntryDoc[]> {
  const docs = announcements.map((announcement) => ({
    ...toEntry(eventId, announcement),
    sent: false,
    dueAt: new Date(now + RETRY_AFTER_MS),
  }));
  return (await ActivityEntry.insertMany(docs)).map((doc) => doc.toObject() as ActivityEntryDoc);
}

/** Takes back what logUnsent wrote for a change that did not happen after all (its seq is a gap). */
export async function withdrawLogged(eventId: mongoose.Types.ObjectId, seq: number): Promise<void> {
  await ActivityEntry.deleteOne({ eventId, seq });
}

/**
 * Publishes entries written by logUnsent, after anything older of the event that is due for
 * re-sending, and settles them (publishAndSettle); flags the event when some are left, and ends
 * the write (finishWrite) once what is left is flagged. Never throws.
 */
export async function publishLogged(
  event: OutboxEvent,
  entries: readonly ActivityEntryDoc[],
  now = Date.now(),
): Promise<number> {
  try {
    const published = await resendIfDue(event, now);
    const outcome = await publishAndSettle(event._id, entries);
    if (outcome.accepted < entries.length && realtimeMode !== "disabled") {
      await flagResendDue(event._id, dueAfter(outcome, Date.now()));
    }
    await finishWrite(event._id);
    return published + outcome.accepted;
  } catch (error) {
    logFailure("publishing logged activity failed", error);
    return 0;
  }
}

/**
 * Logs announcements the cron's audit rebuilt, unsent and due at once, for the re-send that
 * follows (not published here: concurrent crons would each publish them).
 */
export async function logMissing(
  eventId: mongoose.Types.ObjectId,
  announcements: readonly Announcement[],
  now = Date.now(),
): Promise<void> {
  await recordActivity(eventId, announcements, { accepted: 0, inDoubt: false }, now);
}

function toEntry(eventId: mongoose.Types.ObjectId, announcement: Announcement) {
  const { seq, message, at } = announcement;
  return { eventId, seq, event: message.name, data: { ...message.data }, at };
}

/**
 * Writes entries to the log, the first `accepted` as sent; flags the event when some are not.
 * Resolves to true when all of that is stored.
 */
async function recordActivity(
  eventId: mongoose.Types.ObjectId,
  announcements: readonly Announcement[],
  outcome: PublishOutcome,
  now: number,
): Promise<boolean> {
  if (announcements.length === 0) return true;
  const due = dueAfter(outcome, now);
  const docs = announcements.map((announcement, i) => ({
    ...toEntry(eventId, announcement),
    sent: i < outcome.accepted,
    dueAt: i < outcome.accepted ? null : due,
  }));
  try {
    await ActivityEntry.insertMany(docs, { ordered: false });
  } catch (error) {
    // Published already; the cron rebuilds the entry from the change that holds its seq (and
    // publishes it once more: clients drop a seq they have seen). A duplicate means it did so.
    logFailure("recording activity failed", error);
    return false;
  }
  if (outcome.accepted < announcements.length && realtimeMode !== "disabled") {
    return flagResendDue(eventId, due).then(
      () => true,
      (error: unknown) => {
        logFailure("flagging unsent activity failed", error);
        return false;
      },
    );
  }
  return true;
}
