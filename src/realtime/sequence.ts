import type mongoose from "mongoose";
import { Event, type EventDoc } from "../models/event";

// An event's activity log is numbered 1, 2, 3…: `lastSeq` on the event is the last seq handed out,
// `seqGaps` how many of those were abandoned (a refused join, a lost race), so `lastSeq - seqGaps`
// entries belong in the log, which the audit checks. `inFlight` counts the writes that reserved a
// seq and have not finished (taken with the seq, given back by finishWrite or with the gap): an
// event whose count stays above 0 once it is quiet had a write cut, and is repaired (jobs/heal.ts).
// This is the only module that writes these counters. A reservation is always one command with whatever else the write needs to
// change or check on the event (a seat, the state, the host), so the seq and the change agree.
// It lives in realtime/, below every domain folder, because the seq is the outbox's numbering and
// every folder that announces (events, bingo, connections) reserves through it.

type EventId = mongoose.Types.ObjectId | string;
type Fields = Record<string, unknown>;

export interface SeqReservation {
  /** The event as the reservation left it. */
  event: EventDoc;
  /** The first of the seqs reserved; the others follow it. */
  firstSeq: number;
}

export interface ReserveOptions {
  /** Conditions on the event besides its id; when one fails nothing is reserved. */
  where?: Fields;
  /** Other counters changed in the same command. */
  inc?: Record<string, number>;
  /** Other fields set in the same command. */
  set?: Fields;
  /**
   * Count the write in flight until finishWrite or recordSeqGaps ends it (a multi-document write
   * follows); default true. False for a write that deletes the event, and for a transition, which
   * counts itself only when a later step fails (markCut).
   */
  audit?: boolean;
}

/**
 * Reserves `count` consecutive seqs with one conditional `findOneAndUpdate` (`$inc lastSeq`).
 * Resolves to null when the event does not match (gone, or a condition of `where` failed).
 */
export async function reserveSeqs(
  eventId: EventId,
  count: number,
  { where = {}, inc = {}, set = {}, audit = true }: ReserveOptions = {},
): Promise<SeqReservation | null> {
  const event = await Event.findOneAndUpdate(
    { _id: eventId, ...where },
    {
      $inc: { ...inc, lastSeq: count, ...(audit ? { inFlight: 1 } : {}) },
      ...(Object.keys(set).length > 0 ? { $set: set } : {}),
    },
    { returnDocument: "after" },
  ).lean<EventDoc>();
  return event ? { event, firstSeq: event.lastSeq - count + 1 } : null;
}

/**
 * Reserves `count` seqs for the audit to re-announce under: one `$inc lastSeq` that counts no
 * write in flight and leaves `updatedAt` alone, so the audit's settle, conditional on it, still
 * matches when nothing else wrote meanwhile. Resolves to the first seq and the event's `lastSeq`
 * after it, or null when the event is gone.
 */
export async function reserveRepairSeqs(
  eventId: EventId,
  count: number,
): Promise<{ firstSeq: number; lastSeq: number } | null> {
  const event = await Event.findOneAndUpdate(
    { _id: eventId },
    { $inc: { lastSeq: count } },
    { returnDocument: "after", timestamps: false },
  ).lean<EventDoc>();
  return event ? { firstSeq: event.lastSeq - count + 1, lastSeq: event.lastSeq } : null;
}

/**
 * Records `count` reserved seqs that will never be logged (their write was refused or lost a
 * race), in one update with the other counters `inc` changes (a seat given back); this ends the
 * reservation's write, so it also gives back its in-flight count.
 */
export async function recordSeqGaps(eventId: EventId, count: number, inc: Record<string, number> = {}): Promise<void> {
  await Event.updateOne({ _id: eventId }, { $inc: { ...inc, seqGaps: count, inFlight: -1 } });
}

/**
 * Ends a write refused after it reserved `seqs` (ascending), which nothing announced: when they
 * are still the last handed out (no write reserved one since), takes them back, so no listener
 * ever sees a gap for a refused mark or scan (a double tap, a retry); else records them as gaps
 * (recordSeqGaps). Either way gives back the in-flight count. One update; two when another write
 * reserved meanwhile. A seq taken back is handed out again, never having been announced.
 */
export async function releaseSeqs(eventId: EventId, seqs: readonly number[]): Promise<void> {
  const first = seqs[0];
  const last = seqs.at(-1);
  if (first === undefined || last === undefined) return;
  if (last - first + 1 === seqs.length) {
    const { matchedCount } = await Event.updateOne(
      { _id: eventId, lastSeq: last },
      { $inc: { lastSeq: -seqs.length, inFlight: -1 } },
    );
    if (matchedCount === 1) return;
  }
  await recordSeqGaps(eventId, seqs.length);
}

/** The seqs of a reservation, ascending: from its first to the `lastSeq` it left. */
export function reservedSeqs({ event, firstSeq }: SeqReservation): number[] {
  return Array.from({ length: event.lastSeq - firstSeq + 1 }, (_, i) => firstSeq + i);
}

/**
 * Counts writes that reserved seqs without counting themselves in flight (audit: false) as cut,
 * once one of their steps failed or was found missing, so their events are repaired (jobs/heal.ts).
 * Leaves `updatedAt` alone: the repair waits until the event is quiet since its last real write,
 * and one found by the cron long after is repairable at once. Throws when the update fails.
 */
export async function markCut(eventIds: readonly EventId[]): Promise<void> {
  await Event.updateMany({ _id: { $in: eventIds } }, { $inc: { inFlight: 1 } }, { timestamps: false });
}

/**
 * Ends a write that reserved seqs: every step, its log entries included, is stored. One `$inc`
 * (the one command the in-flight count costs a write). Never throws: left undone, it only means
 * the event is repaired once quiet, which finds nothing wrong.
 */
export async function finishWrite(eventId: EventId): Promise<void> {
  await Event.updateOne({ _id: eventId, inFlight: { $gt: 0 } }, { $inc: { inFlight: -1 } }).catch(() => undefined);
}

/** The event's last seq handed out (0 before the first), with its id; null when there is none. */
export async function readLastSeq(eventId: EventId): Promise<{ _id: mongoose.Types.ObjectId; lastSeq: number } | null> {
  const event = await Event.findById(eventId, { lastSeq: 1 }).lean<Pick<EventDoc, "_id" | "lastSeq">>();
  return event ? { _id: event._id, lastSeq: event.lastSeq ?? 0 } : null;
}

/** The counters the audit reads, as a projection. */
export const SEQ_COUNTERS = { lastSeq: 1, seqGaps: 1 } as const;

/** True when the log holds an entry for every seq handed out and not abandoned. */
export function isLogComplete(event: Pick<EventDoc, "lastSeq" | "seqGaps">, logged: number): boolean {
  return logged + (event.seqGaps ?? 0) === (event.lastSeq ?? 0);
}

export interface Settlement {
  event: Pick<EventDoc, "_id" | "updatedAt" | "lastSeq">;
  /** The entries the log holds after the rebuild. */
  logged: number;
  /** The other derived counters. */
  set: Fields;
}

/**
 * The audit's settlement of quiet events: whatever is not in an event's log after its rebuild is a
 * gap. Sets that with the other derived counters (`set`), on condition that nothing wrote to the
 * event since it was read (`updatedAt`), sets `inFlight` to 0 (the writes it counted are over: the
 * event was quiet for longer than a function lives) and clears the repair's claim. One command for
 * any number of events: a `bulkWrite` with one `updateMany` per distinct settlement (events cut
 * the same way settle alike), whose filter is the `$or` of each event's id and `updatedAt`. Resolves
 * to how many matched: an event written to meanwhile keeps its counters and is repaired again.
 */
export async function settleSeqGaps(settlements: readonly Settlement[]): Promise<number> {
  const groups = new Map<string, { $set: Fields; events: Settlement["event"][] }>();
  for (const { event, logged, set } of settlements) {
    const $set = { ...set, seqGaps: Math.max(0, (event.lastSeq ?? 0) - logged) };
    const key = JSON.stringify($set);
    const group = groups.get(key) ?? { $set, events: [] as Settlement["event"][] };
    group.events.push(event);
    groups.set(key, group);
  }
  if (groups.size === 0) return 0;
  const { matchedCount } = await Event.bulkWrite(
    [...groups.values()].map(({ $set, events }) => ({
      updateMany: {
        filter: { $or: events.map(({ _id, updatedAt }) => ({ _id, updatedAt })) },
        update: { $set: { ...$set, inFlight: 0, repairClaimedUntil: null, repairClaim: null } },
        timestamps: false,
      },
    })),
    { ordered: false },
  );
  return matchedCount;
}

/**
 * Records `count` reserved seqs that will never be logged, for a write that goes on (its other
 * seqs are still to be logged): unlike recordSeqGaps, it keeps the write's in-flight count.
 */
export async function recordSeqGapsInFlight(eventId: EventId, count: number): Promise<void> {
  await Event.updateOne({ _id: eventId }, { $inc: { seqGaps: count } });
}
