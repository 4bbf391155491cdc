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
   * follows); default true. False for a write that deletes the event.
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
 * Reads the event (with `projection`) and the seq its next reservation would start at, for a
 * write that must know its seqs before it stores them (reserveSeqsFrom).
 */
export async function readNextSeq<T extends object>(
  eventId: EventId,
  projection: Record<string, 1>,
): Promise<{ event: T; nextSeq: number } | null> {
  const event = await Event.findById(eventId, { ...projection, lastSeq: 1 }).lean<T & Pick<EventDoc, "lastSeq">>();
  return event ? { event, nextSeq: (event.lastSeq ?? 0) + 1 } : null;
}

/**
 * Reserves `count` seqs from `nextSeq` (read by readNextSeq) in one update that also sets
 * `set(firstSeq)`, on condition that no other write took a seq since: of two racing writes exactly
 * one matches, and the loser (null) reads again. Counts the write in flight (finishWrite ends it).
 */
export async function reserveSeqsFrom(
  eventId: EventId,
  nextSeq: number,
  count: number,
  { where = {}, set }: { where?: Fields; set: Fields },
): Promise<EventDoc | null> {
  return Event.findOneAndUpdate(
    { _id: eventId, ...where, lastSeq: nextSeq - 1 },
    { $set: { ...set, lastSeq: nextSeq - 1 + count }, $inc: { inFlight: 1 } },
    { returnDocument: "after" },
  )
    .lean<EventDoc>()
    .exec();
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
