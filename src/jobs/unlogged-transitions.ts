import type mongoose from "mongoose";
import { ActivityEntry, type ActivityEntryDoc } from "../models/activity-entry";
import { Event, type EventDoc } from "../models/event";
import { RETRY_AFTER_MS } from "../realtime/resend";
import { markCut } from "../realtime/sequence";
import { APP_STATE_NAMES } from "../schemas/event-states";

// A transition stores no seq and does not count itself in flight (events/lifecycle.ts): its
// announcements' log entries are the only record that it was announced. A failed log insert marks
// the event for repair; a function that dies between the transition and the insert does not, so
// the cron looks at the transitions of the last CHECK_WINDOW_MS (its schedule is daily on Vercel
// Hobby, so every transition is looked at at least once) against the log. An event it finds
// announced is marked checked for that state (`transitionChecked`), so the next run looks at the
// next ones: each run takes at most TRANSITIONS_PER_RUN, and none is left behind by busier days.

const CHECK_WINDOW_MS = 25 * 60 * 60 * 1000;
/** The most transitioned events one run checks (the oldest unchecked first). */
export const TRANSITIONS_PER_RUN = 500;

type TransitionState = "active" | "ended";
type Transitioned = Pick<EventDoc, "startedAt" | "endedAt">;
type LoggedLifecycle = Pick<ActivityEntryDoc, "event" | "data">;

/** The entries a transition's announcements leave in the log (the lifecycleAnnouncements). */
export const LIFECYCLE_ENTRIES = ["event-started", "event-ended", "event"];

/** True when the log holds both of the transition's entries: the guide's, then the apps' `event`. */
function isAnnounced(logged: readonly LoggedLifecycle[], state: TransitionState): boolean {
  const guide = state === "active" ? "event-started" : "event-ended";
  return (
    logged.some((entry) => entry.event === guide) &&
    logged.some((entry) => entry.event === "event" && entry.data?.status === APP_STATE_NAMES[state])
  );
}

/**
 * The event's transitions to announce again, in order, given its lifecycle entries in the log. A
 * start is not announced again after an end that went out: applied in seq order it would take a
 * client back to active, and the end says the state already.
 */
export function unannouncedTransitions(event: Transitioned, logged: readonly LoggedLifecycle[]): TransitionState[] {
  const ended = event.endedAt ? !isAnnounced(logged, "ended") : null;
  if (ended === false) return [];
  const started = event.startedAt ? !isAnnounced(logged, "active") : false;
  return [...(started ? (["active"] as const) : []), ...(ended ? (["ended"] as const) : [])];
}

/**
 * The cron's check for transitions a dying function left unannounced: the events transitioned in
 * the last CHECK_WINDOW_MS and at least RETRY_AFTER_MS ago and not checked since (a live function
 * has logged by then; at most TRANSITIONS_PER_RUN of them, the oldest first), their lifecycle
 * entries in the log; the events lacking some are marked as cut in one update (markCut), for the
 * repairs that follow in the same run (or the first read of the event once it is quiet), and the
 * others marked checked for their state (one update each for started and ended). Commands: 1 when
 * no event is to check, else 3 to 5. Resolves to how many it marked cut.
 */
export async function markUnloggedTransitions(now = Date.now()): Promise<number> {
  const window = { $gte: new Date(now - CHECK_WINDOW_MS), $lt: new Date(now - RETRY_AFTER_MS) };
  const events = await Event.find(
    {
      $or: [
        { startedAt: window, transitionChecked: null },
        { endedAt: window, transitionChecked: { $ne: "ended" } },
      ],
    },
    { startedAt: 1, endedAt: 1 },
  )
    .sort({ _id: 1 })
    .limit(TRANSITIONS_PER_RUN)
    .lean<(Transitioned & { _id: mongoose.Types.ObjectId })[]>();
  if (events.length === 0) return 0;
  const logged = await ActivityEntry.find(
    { eventId: { $in: events.map((event) => event._id) }, event: { $in: LIFECYCLE_ENTRIES } },
    { eventId: 1, event: 1, "data.status": 1 },
  ).lean<(LoggedLifecycle & Pick<ActivityEntryDoc, "eventId">)[]>();
  const lacking: mongoose.Types.ObjectId[] = [];
  const checked = { active: [] as mongoose.Types.ObjectId[], ended: [] as mongoose.Types.ObjectId[] };
  for (const event of events) {
    const own = logged.filter((entry) => entry.eventId.equals(event._id));
    if (unannouncedTransitions(event, own).length > 0) lacking.push(event._id);
    else checked[event.endedAt ? "ended" : "active"].push(event._id);
  }
  if (lacking.length > 0) await markCut(lacking);
  for (const state of ["active", "ended"] as const) {
    if (checked[state].length === 0) continue;
    await Event.updateMany(
      { _id: { $in: checked[state] } },
      { $set: { transitionChecked: state } },
      { timestamps: false },
    );
  }
  return lacking.length;
}
