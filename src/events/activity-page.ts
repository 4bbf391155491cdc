import { eventNotFound } from "../errors";
import { ActivityEntry, type ActivityEntryDoc } from "../models/activity-entry";
import { readLastSeq } from "../realtime/sequence";
import { type ActivityRecord, storedActivity } from "../schemas/realtime";

export interface ActivityPage {
  activity: (ActivityRecord & { seq: number; at: string })[];
  lastSeq: number;
  hasMore: boolean;
}

/**
 * GET …/activity: what a client missed, the entries after `after`, oldest first, at most `limit`.
 * Two queries: the event's last seq (and that it exists), and one range of the unique
 * (eventId, seq) index.
 */
export async function pageActivity(eventId: string, after: number, limit: number): Promise<ActivityPage> {
  const event = await readLastSeq(eventId);
  if (!event) throw eventNotFound();
  const entries = await ActivityEntry.find(
    { eventId: event._id, seq: { $gt: after } },
    { seq: 1, event: 1, data: 1, at: 1 },
  )
    .sort({ seq: 1 })
    .limit(limit + 1)
    .lean<ActivityEntryDoc[]>();
  const page = entries.slice(0, limit);
  return {
    activity: page.map((entry) => ({
      seq: entry.seq,
      ...storedActivity(entry.event, entry.data, entry.seq),
      at: new Date(entry.at).toISOString(),
    })),
    lastSeq: event.lastSeq,
    hasMore: entries.length > limit,
  };
}
