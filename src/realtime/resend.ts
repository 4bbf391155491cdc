import mongoose from "mongoose";
import { env } from "../env";
import { logFailure } from "../log";
import { ActivityEntry, type ActivityEntryDoc } from "../models/activity-entry";
import { Event, type EventDoc } from "../models/event";
import { parseStoredMessage } from "../schemas/realtime";
import { type PublishOutcome, publishMessages, realtimeMode } from "./pusher";

// The outbox's second half (outbox.ts is the first): entries in the activity log that Pusher did
// not take are claimed and published again, by the next write to the event, a GET of it or the
// cron, each entry by one re-sender at a time.

// A publish that timed out may still reach Pusher, so its entry is not re-sent before this; nor is
// an entry a re-sender claimed (its claim lapses after this if it died or its publish timed out).
// A function runs for at most maxDuration (10 s in vercel.json), so 30 s means it was abandoned.
// An entry Pusher refused outright is due at once.
// (RETRY_AFTER_MS in the environment; only tests lower it.)
export const RETRY_AFTER_MS = Math.max(env.RETRY_AFTER_MS, 3 * env.PUSHER_TIMEOUT_MS);
const RESEND_BATCH = 100;

export type OutboxEvent = Pick<EventDoc, "_id" | "resendDueAt">;

/** When what a publish did not deliver may be sent again. */
export function dueAfter(outcome: PublishOutcome, now: number): Date {
  return new Date(outcome.inDoubt ? now + RETRY_AFTER_MS : now);
}

/**
 * The one publish path for entries already in the log (logged unsent by this request, or claimed
 * by a re-sender; all of one event, in seq order): publishes them, marks what Pusher took as sent
 * and makes what it surely refused due at once. What timed out stays in flight until its `dueAt`
 * (RETRY_AFTER_MS after it was logged or claimed), since Pusher may still take it. Every update
 * is conditional on the entries' claim: one that lapsed and was taken by another re-sender is
 * that one's to settle. A failed update only means the entry is published again later.
 */
export async function publishAndSettle(
  eventId: mongoose.Types.ObjectId,
  entries: readonly ActivityEntryDoc[],
): Promise<PublishOutcome> {
  if (entries.length === 0) return { accepted: 0, inDoubt: false };
  const claim = entries[0]?.claim ?? null;
  const messages = entries.map((entry) => parseStoredMessage(entry.event, entry.data, entry.seq));
  const outcome = await publishMessages(eventId.toHexString(), messages);
  const sent = entries.slice(0, outcome.accepted).map((entry) => entry._id);
  const unsent = entries.slice(outcome.accepted).map((entry) => entry._id);
  if (sent.length > 0) {
    await ActivityEntry.updateMany(
      { _id: { $in: sent }, claim },
      { $set: { sent: true, dueAt: null, claim: null } },
    ).catch((error: unknown) => logFailure("marking activity sent failed", error));
  }
  if (unsent.length > 0 && !outcome.inDoubt && realtimeMode !== "disabled") {
    await ActivityEntry.updateMany({ _id: { $in: unsent }, claim }, { $set: { dueAt: new Date(), claim: null } }).catch(
      (error: unknown) => logFailure("releasing activity failed", error),
    );
  }
  return outcome;
}

/** Re-sends the event's unsent entries first when its `resendDueAt` has come. Never throws. */
export async function resendIfDue(event: OutboxEvent, now: number): Promise<number> {
  if (!event.resendDueAt || new Date(event.resendDueAt).getTime() > now) return 0;
  const resent = await resendDue({ eventId: event._id }, now).catch((error: unknown) => {
    logFailure("re-sending unsent activity failed", error);
    return new Map<string, number>();
  });
  return resent.get(event._id.toHexString()) ?? 0;
}

/**
 * Claims the unsent entries matching `scope` that are due, publishes and settles them per event in
 * seq order (publishAndSettle). Only one of concurrent callers claims an entry: the claim is one
 * conditional update on `dueAt`. Resolves to the number published per event (hex id).
 */
export async function resendDue(
  scope: { eventId?: mongoose.Types.ObjectId },
  now: number,
): Promise<Map<string, number>> {
  const byEvent = new Map<string, ActivityEntryDoc[]>();
  for (const entry of await claimDue(scope, now)) {
    const key = entry.eventId.toHexString();
    byEvent.set(key, [...(byEvent.get(key) ?? []), entry]);
  }
  const published = new Map<string, number>();
  for (const [eventId, entries] of byEvent) {
    const id = new mongoose.Types.ObjectId(eventId);
    published.set(eventId, (await publishAndSettle(id, entries)).accepted);
    await refreshResendDue(id).catch((error: unknown) => logFailure("flagging unsent activity failed", error));
  }
  return published;
}

async function claimDue(scope: { eventId?: mongoose.Types.ObjectId }, now: number): Promise<ActivityEntryDoc[]> {
  const dueFilter = { ...scope, sent: false, dueAt: { $lte: new Date(now) } };
  const candidates = await ActivityEntry.find(dueFilter, { _id: 1 })
    .sort({ eventId: 1, seq: 1 })
    .limit(RESEND_BATCH)
    .lean<Pick<ActivityEntryDoc, "_id">[]>();
  if (candidates.length === 0) return [];
  const claim = new mongoose.Types.ObjectId();
  await ActivityEntry.updateMany(
    { ...dueFilter, _id: { $in: candidates.map((entry) => entry._id) } },
    { $set: { dueAt: new Date(now + RETRY_AFTER_MS), claim } },
  );
  return ActivityEntry.find({ claim }).sort({ eventId: 1, seq: 1 }).lean<ActivityEntryDoc[]>();
}

/** Moves the event's `resendDueAt` to `due` unless something of it is due earlier already. */
export async function flagResendDue(eventId: mongoose.Types.ObjectId, due: Date): Promise<void> {
  await Event.updateOne(
    { _id: eventId, $or: [{ resendDueAt: null }, { resendDueAt: { $gt: due } }] },
    { $set: { resendDueAt: due } },
    { timestamps: false },
  );
}

/** Sets the event's `resendDueAt` to when its earliest unsent entry is due, or clears it. */
async function refreshResendDue(eventId: mongoose.Types.ObjectId): Promise<void> {
  const next = await ActivityEntry.findOne({ eventId, sent: false }, { dueAt: 1 })
    .sort({ dueAt: 1 })
    .lean<Pick<ActivityEntryDoc, "dueAt">>();
  await Event.updateOne({ _id: eventId }, { $set: { resendDueAt: next?.dueAt ?? null } }, { timestamps: false });
}
