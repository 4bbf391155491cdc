import { env } from "../env";
import { describeError } from "../http/errors";
import { type ActivityEntry, Event, type EventDoc } from "../models/event";
import { publishMessages, type RealtimeMessage, type SequencedMessage } from "./pusher";

// Every realtime event is first recorded in its event's activity log (by the same atomic update
// as the change it announces), then published, then marked sent. Pusher keeps no history, so the
// log is what a phone that was offline reads to catch up, and what lets an event that Pusher
// refused, or that a crashed function never sent, go out later: from the next write to the same
// event or from the cron function. Delivery is at least once; clients drop a `seq` they have seen.

/** An entry recording `message`, to be appended with `$push: { activity: … }`. */
export function activityEntry(message: RealtimeMessage, at = new Date()): ActivityEntry {
  return { event: message.name, data: { ...message.data }, at, sent: false };
}

// An unsent entry younger than this may still be in flight from the request that wrote it. A
// function runs for at most maxDuration (10 s in vercel.json), so 30 s means it was abandoned.
export const RETRY_AFTER_MS = Math.max(30_000, 3 * env.PUSHER_TIMEOUT_MS);

/**
 * Publishes the last `added` entries of `event.activity` (what this write appended) and any older
 * ones still unsent past RETRY_AFTER_MS, then marks what Pusher accepted as sent, in one update.
 * Resolves to the number of entries published.
 */
export async function deliverActivity(
  event: Pick<EventDoc, "_id" | "activity">,
  added: number,
  now = Date.now(),
): Promise<number> {
  const firstAdded = event.activity.length - added;
  const due = event.activity.flatMap((entry, index) =>
    !entry.sent && (index >= firstAdded || now - new Date(entry.at).getTime() >= RETRY_AFTER_MS) ? [index] : [],
  );
  if (due.length === 0) return 0;

  const eventId = event._id.toHexString();
  const messages = due.map((index) => toSequencedMessage(event.activity, index));
  const accepted = await publishMessages(eventId, messages);
  if (accepted === 0) return 0;
  const sent = Object.fromEntries(due.slice(0, accepted).map((index) => [`activity.${index}.sent`, true]));
  // The write is committed and published: failing to mark it sent only means a later retry
  // publishes it again (clients drop a seq they have seen), never that the request failed.
  await Event.updateOne({ _id: event._id }, { $set: sent }).catch((error: unknown) => {
    console.error(JSON.stringify({ level: "error", msg: "marking activity sent failed", error: describeError(error) }));
  });
  return accepted;
}

function toSequencedMessage(activity: readonly ActivityEntry[], index: number): SequencedMessage {
  const entry = activity[index] as ActivityEntry;
  return { name: entry.event, data: { ...entry.data, seq: index + 1 } };
}

export interface ActivityPage {
  activity: { seq: number; event: string; data: Record<string, unknown>; at: string }[];
  lastSeq: number;
  hasMore: boolean;
}

/** What a client missed: the entries after `after`, oldest first, at most `limit`. */
export function pageActivity(activity: readonly ActivityEntry[], after: number, limit: number): ActivityPage {
  const slice = activity.slice(after, after + limit);
  return {
    activity: slice.map((entry, i) => ({
      seq: after + i + 1,
      event: entry.event,
      data: { ...entry.data, seq: after + i + 1 },
      at: new Date(entry.at).toISOString(),
    })),
    lastSeq: activity.length,
    hasMore: after + slice.length < activity.length,
  };
}

/** For the cron function: events with activity that no write has managed to publish. */
export async function deliverStaleActivity(
  limit = 25,
  now = Date.now(),
): Promise<{ events: number; published: number }> {
  const events = await Event.find({ "activity.sent": false }, { activity: 1 }).limit(limit).lean<EventDoc[]>();
  let published = 0;
  for (const event of events) published += await deliverActivity(event, 0, now);
  return { events: events.length, published };
}
