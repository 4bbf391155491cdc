import { expect } from "vitest";
import { ActivityEntry } from "../../src/models/activity-entry";
import { Event } from "../../src/models/event";

/**
 * The event's seq counters as a quiet event must leave them: every seq handed out is logged or
 * counted as a gap, and no write is in flight (so nothing is queued for repair).
 */
export async function expectSeqsSettled(eventId: string): Promise<void> {
  const event = await Event.findById(eventId, { lastSeq: 1, seqGaps: 1, inFlight: 1 }).lean();
  const logged = await ActivityEntry.countDocuments({ eventId });
  expect({
    inFlight: event?.inFlight ?? 0,
    unaccounted: (event?.lastSeq ?? 0) - (event?.seqGaps ?? 0) - logged,
  }).toEqual({ inFlight: 0, unaccounted: 0 });
}
