import mongoose from "mongoose";
import { ApiError } from "../errors";
import { type EventWithLobby, getEventOrThrow } from "../events/event-store";
import { logFailure } from "../log";
import { Event, type EventDoc } from "../models/event";
import { RETRY_AFTER_MS, resendDue } from "../realtime/resend";
import { auditEvent, auditEvents } from "./audit";

// Counts that heal themselves. A write counts itself in flight with the `$inc` that reserves its
// seq and gives the count back when every step is stored (realtime/sequence.ts), so an event whose
// count is above 0 once it has been quiet for RETRY_AFTER_MS (longer than a function lives) had a
// write cut: a seat without its participant, a leave half done, a log entry missing. The first
// request that reads such an event repairs it before answering (a GET of it, a join that finds it
// full), and the cron drains what no request came for, oldest first, in batches. Either way a
// conditional update claims the event first (the cron's claims many at once), so two repairs never
// run at once, and a repair reads only its events' documents.

type EventId = mongoose.Types.ObjectId | string;

/** The events with a write cut and quiet since `now - RETRY_AFTER_MS`, unclaimed at `now`. */
function repairableFilter(now: number) {
  return {
    inFlight: { $gt: 0 },
    updatedAt: { $lt: new Date(now - RETRY_AFTER_MS) },
    $or: [{ repairClaimedUntil: null }, { repairClaimedUntil: { $lte: new Date(now) } }],
  };
}

/** True when what a request read of the event says it has a cut write to repair. */
export function needsRepair(event: Pick<EventDoc, "inFlight" | "updatedAt">, now = Date.now()): boolean {
  return (event.inFlight ?? 0) > 0 && new Date(event.updatedAt).getTime() < now - RETRY_AFTER_MS;
}

/** True when the event has unsent activity due for re-sending. */
function resendIsDue(event: Pick<EventDoc, "resendDueAt">, now: number): boolean {
  return event.resendDueAt !== null && event.resendDueAt !== undefined && new Date(event.resendDueAt).getTime() <= now;
}

/**
 * Claims the event for a repair (one conditional update; the claim lapses after RETRY_AFTER_MS if
 * the repairer dies) and resolves to what the audit reads of it, or null when it has nothing to
 * repair, is not quiet, or another repair holds it.
 */
async function claimRepair(eventId: EventId, now: number): Promise<EventDoc | null> {
  return Event.findOneAndUpdate(
    { _id: eventId, ...repairableFilter(now) },
    { $set: { repairClaimedUntil: new Date(now + RETRY_AFTER_MS) } },
    // The whole document: FerretDB's findAndModify takes no projection (it is bounded: see models/event.ts).
    { returnDocument: "after", timestamps: false },
  ).lean<EventDoc>();
}

/**
 * Repairs one event if it needs it and nobody else is: claim, audit (counters, half-done leaves,
 * missing log entries), then the re-sends due. Resolves to how many entries it published, or null
 * when it did not repair (nothing to do, or claimed elsewhere). Commands: 1 when
 * there is nothing to do; else 5 (claim, unsent leaves, count participants, count log, settle)
 * plus the rebuild of missing entries and the re-send when there are some (or some were due).
 */
export async function repairEvent(eventId: EventId, now = Date.now()): Promise<number | null> {
  const claimed = await claimRepair(eventId, now);
  return claimed ? repairClaimed(claimed, now) : null;
}

/** The repair of an event claimed for it: the audit, then the re-sends due; resolves to how many. */
async function repairClaimed(claimed: EventDoc, now: number): Promise<number> {
  const rebuilt = await auditEvent(claimed, now);
  if (rebuilt === 0 && !resendIsDue(claimed, now)) return 0;
  const published = await resendDue({ eventId: claimed._id }, now);
  return published.get(claimed._id.toHexString()) ?? 0;
}

/**
 * Heals what a request just read of an event, before it answers: repairs a cut write, or re-sends
 * what is due. No command when there is nothing to do (it looks only at the event as read).
 * Never throws: the request answers with what it read. Resolves to whether the event changed.
 */
export async function healAsRead(
  event: Pick<EventDoc, "_id" | "inFlight" | "updatedAt" | "resendDueAt">,
  now = Date.now(),
): Promise<boolean> {
  try {
    if (needsRepair(event, now)) return (await repairEvent(event._id, now)) !== null;
    if (resendIsDue(event, now)) await resendDue({ eventId: event._id }, now);
  } catch (error) {
    logFailure("healing the event failed", error);
  }
  return false;
}

/** GET /api/events/:eventId: the event and its lobby, repaired first when a write of it was cut. */
export async function readEventHealed(eventId: string): Promise<EventWithLobby> {
  const read = await getEventOrThrow(eventId);
  return (await healAsRead(read.event)) ? getEventOrThrow(eventId) : read;
}

/** GET /api/events/event/:joinCode: the event as read, or read again once healing changed it. */
export async function healedEvent(read: EventDoc, readAgain: () => Promise<EventDoc>): Promise<EventDoc> {
  return (await healAsRead(read)) ? readAgain() : read;
}

/**
 * Runs a join; when it finds the event full, makes sure the count is real first: a repair of a
 * cut write (one claim command, which matches nothing when no write was cut, so `event_full`
 * stands) and, if it repaired, the join once more. The happy path costs nothing.
 */
export async function joinHealed<T>(eventId: string, join: () => Promise<T>): Promise<T> {
  try {
    return await join();
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== "event_full") throw error;
    if ((await repairEvent(eventId).catch(() => null)) === null) throw error;
    return join();
  }
}

/** The most events one cron run repairs; with the time budget, what bounds a run. */
export const REPAIRS_PER_RUN = 500;

/**
 * A run's first batch: it always runs in full, so a run repairs at least this many. Small, because
 * its duration is all a run knows of the database: on FerretDB, where every document an update
 * changes costs ~20 ms, a batch of 10 takes ~1.5 s, and five runs' first batches at once fit the
 * budget.
 */
export const FIRST_BATCH = 10;

/** The largest batch: one claim or settlement of it stays well inside a command's timeout. */
const MAX_BATCH = 250;

export interface DrainReport {
  /** Events this run repaired. */
  repaired: number;
  /** Events still waiting for a repair (quiet, a write cut, unclaimed) when the run stopped. */
  left: number;
}

/**
 * The cron's backstop: repairs the oldest (`updatedAt`) events no request came for, in batches, up
 * to REPAIRS_PER_RUN: FIRST_BATCH, then each batch as large as the time left before `deadline` (ms)
 * allows at the last batch's pace per event (up to MAX_BATCH), and none once the time left is
 * shorter than the last batch took, so the run stops before the deadline, not after (a batch's
 * fixed cost makes the pace per event an overestimate for a larger one). Then counts what is left.
 * A batch's commands do not grow with its size: claimBatch (2; 3 when another run took some) and
 * auditEvents (4 when the logs are complete; 8 when some are not, plus the inserts of the entries
 * to rebuild and a recount). What it rebuilt is logged unsent and due, for the cron's re-send that
 * follows. Commands per run: the batches', and the count of what is left.
 */
export async function drainRepairs(deadline: number): Promise<DrainReport> {
  let repaired = 0;
  let size = FIRST_BATCH;
  let last = { events: 0, ms: 0 };
  while (repaired < REPAIRS_PER_RUN && Date.now() + last.ms < deadline) {
    // A batch that lost its candidates to another run says nothing of the pace.
    if (last.events > 0) size = Math.min(MAX_BATCH, Math.floor((last.events * (deadline - Date.now())) / last.ms));
    // Each batch claims at its own start, so its claims last RETRY_AFTER_MS from then.
    const started = Date.now();
    const batch = await claimBatch(Math.min(size, REPAIRS_PER_RUN - repaired), started);
    if (batch === null) break;
    try {
      await auditEvents(batch, started);
    } catch (error) {
      // The claims lapse after RETRY_AFTER_MS and the events are repaired then.
      logFailure("repairing events failed", error);
      break;
    }
    repaired += batch.length;
    last = { events: batch.length, ms: Math.max(1, Date.now() - started) };
  }
  const left = await Event.countDocuments(repairableFilter(Date.now()));
  return { repaired, left };
}

/**
 * Claims up to `limit` of the oldest repairable events for this run with one token: the
 * candidates (find), then one conditional `updateMany` that claims those still repairable. When it
 * claimed them all, the candidates as read are the events as they stand (any write since, or a
 * claim by another repair, would have failed the condition; the claim changes nothing the audit
 * reads); otherwise one more `find` reads the events that hold the token, exactly this run's (runs
 * at once get disjoint sets; a run that lost all its candidates gets none, and reads the next
 * ones). Null when there are no candidates left.
 */
async function claimBatch(limit: number, now: number): Promise<EventDoc[] | null> {
  const candidates = await Event.find(repairableFilter(now)).sort({ updatedAt: 1 }).limit(limit).lean<EventDoc[]>();
  if (candidates.length === 0) return null;
  const repairClaim = new mongoose.Types.ObjectId();
  const ids = { $in: candidates.map((event) => event._id) };
  const { modifiedCount } = await Event.updateMany(
    { _id: ids, ...repairableFilter(now) },
    { $set: { repairClaimedUntil: new Date(now + RETRY_AFTER_MS), repairClaim } },
    { timestamps: false },
  );
  if (modifiedCount === candidates.length) return candidates;
  // By `_id` too, so MongoDB reads the candidates by index (`repairClaim` has none).
  return Event.find({ _id: ids, repairClaim }).lean<EventDoc[]>();
}
