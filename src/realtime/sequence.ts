import type mongoose from "mongoose";
import { Event, type EventDoc } from "../models/event";

// An event's activity log is numbered 1, 2, 3…: `lastSeq` on the event is the last seq handed out,
// `seqGaps` how many of those were abandoned (a refused join, a lost race), so `lastSeq - seqGaps`
// entries belong in the log, which the cron's audit checks. This is the only module that writes
// either counter. A reservation is always one command with whatever else the write needs to
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
  /** Mark the event for the cron's audit (a multi-document write follows); default true. */
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
  const $set = audit ? { ...set, auditPending: true } : set;
  const event = await Event.findOneAndUpdate(
    { _id: eventId, ...where },
    { $inc: { ...inc, lastSeq: count }, ...(Object.keys($set).length > 0 ? { $set } : {}) },
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
 * one matches, and the loser (null) reads again. Marks the event for the audit.
 */
export async function reserveSeqsFrom(
  eventId: EventId,
  nextSeq: number,
  count: number,
  { where = {}, set }: { where?: Fields; set: Fields },
): Promise<EventDoc | null> {
  return Event.findOneAndUpdate(
    { _id: eventId, ...where, lastSeq: nextSeq - 1 },
    { $set: { ...set, lastSeq: nextSeq - 1 + count, auditPending: true } },
    { returnDocument: "after" },
  )
    .lean<EventDoc>()
    .exec();
}

/**
 * Records `count` reserved seqs that will never be logged (their write was refused or lost a
 * race), in one update with the other counters `inc` changes (a seat given back).
 */
export async function recordSeqGaps(eventId: EventId, count: number, inc: Record<string, number> = {}): Promise<void> {
  await Event.updateOne({ _id: eventId }, { $inc: { ...inc, seqGaps: count } });
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

/**
 * The audit's settlement of a quiet event: whatever is not in the log after its rebuild is a gap.
 * Sets that with the other derived counters (`set`), on condition that nothing wrote to the event
 * since it was read (`updatedAt`), and clears `auditPending`.
 */
export async function settleSeqGaps(
  event: Pick<EventDoc, "_id" | "updatedAt" | "lastSeq">,
  logged: number,
  set: Fields,
): Promise<void> {
  await Event.updateOne(
    { _id: event._id, updatedAt: event.updatedAt },
    { $set: { ...set, seqGaps: Math.max(0, (event.lastSeq ?? 0) - logged), auditPending: false } },
    { timestamps: false },
  );
}
