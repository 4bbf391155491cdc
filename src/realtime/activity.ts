import mongoose from "mongoose";
import { getLeaderboardEntry } from "../bingo/leaderboard";
import { env } from "../env";
import { APP_STATE_NAMES } from "../events/event-states";
import { eventNotFound } from "../events/event-store";
import { logFailure } from "../log";
import { ActivityEntry, type ActivityEntryDoc } from "../models/activity-entry";
import { BingoCard, type BingoCardDoc } from "../models/bingo-card";
import { Event, type EventDoc, UNLIMITED_SEATS } from "../models/event";
import { Participant, type ParticipantDoc, type ParticipantEntry } from "../models/participant";
import { ParticipantConnection, type ParticipantConnectionDoc } from "../models/participant-connection";
import {
  type ActivityRecord,
  type LeaderboardUpdatedPayload,
  type OutgoingMessage,
  parseStoredMessage,
  type RealtimeMessage,
  sequenced,
  storedActivity,
} from "../schemas/realtime";
import { type PublishOutcome, publishMessages, realtimeMode } from "./pusher";

// Every realtime event goes: the change is stored holding its seq (a participant's `seq`, the
// event's `startedSeq` / `endedSeq`, a card version's `achieved`), then it is published, then it
// is written to the activity log with `sent` saying whether Pusher took it. Pusher keeps no
// history, so the log is what a phone that was offline reads to catch up, and what lets an event
// that Pusher refused, or that a crashed function never logged, go out later: from the next write
// to the same event or from the cron function, which rebuilds a missing entry from the change
// that holds its seq. Delivery is at least once; clients drop a `seq` they have seen.

// A publish that timed out may still reach Pusher, so its entry is not re-sent before this; nor is
// an entry a re-sender claimed (its claim lapses after this if it died or its publish timed out).
// A function runs for at most maxDuration (10 s in vercel.json), so 30 s means it was abandoned.
// An entry Pusher refused outright is due at once.
export const RETRY_AFTER_MS = Math.max(30_000, 3 * env.PUSHER_TIMEOUT_MS);
const CRON_EVENTS = 25;
const CRON_ENTRIES = 100;

/** A realtime event about to be announced under `seq`. */
export interface Announcement {
  seq: number;
  message: RealtimeMessage;
  at: Date;
}

function toSequenced({ seq, message }: Announcement): OutgoingMessage {
  return sequenced(message, seq);
}

/** When what a publish did not deliver may be sent again. */
function dueAfter(outcome: PublishOutcome, now: number): Date {
  return new Date(outcome.inDoubt ? now + RETRY_AFTER_MS : now);
}

/**
 * Publishes what a write just stored, after anything older of the same event that is due for
 * re-sending (when the event says so), then writes the entries to the activity log in one insert.
 * Never throws: the change is committed, and a lost log entry is rebuilt by the cron.
 */
export async function announce(
  event: Pick<EventDoc, "_id" | "resendDueAt">,
  announcements: readonly Announcement[],
  now = Date.now(),
): Promise<number> {
  const published = await resendIfDue(event, now);
  const outcome = await publishMessages(event._id.toHexString(), announcements.map(toSequenced));
  await recordActivity(event._id, announcements, outcome, Date.now());
  return published + outcome.accepted;
}

/** Re-sends the event's unsent entries first when its `resendDueAt` has come. Never throws. */
async function resendIfDue(event: Pick<EventDoc, "_id" | "resendDueAt">, now: number): Promise<number> {
  if (!event.resendDueAt || new Date(event.resendDueAt).getTime() > now) return 0;
  const resent = await resendDue({ eventId: event._id }, now).catch((error: unknown) => {
    logFailure("re-sending unsent activity failed", error);
    return new Map<string, number>();
  });
  return resent.get(event._id.toHexString()) ?? 0;
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
    eventId,
    seq: announcement.seq,
    event: announcement.message.name,
    data: { ...announcement.message.data },
    at: announcement.at,
    sent: false,
    dueAt: new Date(now + RETRY_AFTER_MS),
  }));
  return (await ActivityEntry.insertMany(docs)).map((doc) => doc.toObject() as ActivityEntryDoc);
}

/**
 * Publishes entries written by logUnsent, after anything older of the event that is due for
 * re-sending; marks what Pusher took as sent and makes the rest due (at once when Pusher refused
 * them, after RETRY_AFTER_MS when the publish timed out). Never throws.
 */
export async function publishLogged(
  event: Pick<EventDoc, "_id" | "resendDueAt">,
  entries: readonly ActivityEntryDoc[],
  now = Date.now(),
): Promise<number> {
  try {
    const published = await resendIfDue(event, now);
    const messages = entries.map((entry) => parseStoredMessage(entry.event, entry.data, entry.seq));
    const outcome = await publishMessages(event._id.toHexString(), messages);
    const sent = entries.slice(0, outcome.accepted).map((entry) => entry._id);
    const unsent = entries.slice(outcome.accepted).map((entry) => entry._id);
    if (sent.length > 0) {
      await ActivityEntry.updateMany({ _id: { $in: sent } }, { $set: { sent: true, dueAt: null } });
    }
    if (unsent.length > 0 && realtimeMode !== "disabled") {
      const due = dueAfter(outcome, Date.now());
      await ActivityEntry.updateMany({ _id: { $in: unsent } }, { $set: { dueAt: due } });
      await flagResendDue(event._id, due);
    }
    return published + outcome.accepted;
  } catch (error) {
    logFailure("publishing logged activity failed", error);
    return 0;
  }
}

/** Writes entries to the log, the first `accepted` as sent; flags the event when some are not. */
async function recordActivity(
  eventId: mongoose.Types.ObjectId,
  announcements: readonly Announcement[],
  outcome: PublishOutcome,
  now: number,
): Promise<void> {
  if (announcements.length === 0) return;
  const due = dueAfter(outcome, now);
  const docs = announcements.map((announcement, i) => ({
    eventId,
    seq: announcement.seq,
    event: announcement.message.name,
    data: { ...announcement.message.data },
    at: announcement.at,
    sent: i < outcome.accepted,
    dueAt: i < outcome.accepted ? null : due,
  }));
  try {
    await ActivityEntry.insertMany(docs, { ordered: false });
  } catch (error) {
    // Published already; the cron rebuilds the entry from the change that holds its seq (and
    // publishes it once more: clients drop a seq they have seen). A duplicate means it did so.
    logFailure("recording activity failed", error);
    return;
  }
  if (outcome.accepted < announcements.length && realtimeMode !== "disabled") {
    await flagResendDue(eventId, due).catch((error: unknown) => logFailure("flagging unsent activity failed", error));
  }
}

/** Moves the event's `resendDueAt` to `due` unless something of it is due earlier already. */
async function flagResendDue(eventId: mongoose.Types.ObjectId, due: Date): Promise<void> {
  await Event.updateOne(
    { _id: eventId, $or: [{ resendDueAt: null }, { resendDueAt: { $gt: due } }] },
    { $set: { resendDueAt: due } },
    { timestamps: false },
  );
}

/**
 * Claims the unsent entries matching `scope` that are due, publishes them per event in seq order,
 * marks what Pusher took as sent and makes the rest due again (at once when Pusher refused them,
 * after RETRY_AFTER_MS when the publish timed out). Only one of concurrent callers claims an
 * entry: the claim is one conditional update on `dueAt`. Resolves to the number published.
 */
async function resendDue(scope: { eventId?: mongoose.Types.ObjectId }, now: number): Promise<Map<string, number>> {
  const byEvent = new Map<string, ActivityEntryDoc[]>();
  for (const entry of await claimDue(scope, now)) {
    const key = entry.eventId.toHexString();
    byEvent.set(key, [...(byEvent.get(key) ?? []), entry]);
  }
  const published = new Map<string, number>();
  for (const [eventId, entries] of byEvent) {
    published.set(eventId, await publishClaimed(entries));
    await refreshResendDue(new mongoose.Types.ObjectId(eventId)).catch((error: unknown) =>
      logFailure("flagging unsent activity failed", error),
    );
  }
  return published;
}

async function claimDue(scope: { eventId?: mongoose.Types.ObjectId }, now: number): Promise<ActivityEntryDoc[]> {
  const dueFilter = { ...scope, sent: false, dueAt: { $lte: new Date(now) } };
  const candidates = await ActivityEntry.find(dueFilter, { _id: 1 })
    .sort({ eventId: 1, seq: 1 })
    .limit(CRON_ENTRIES)
    .lean<Pick<ActivityEntryDoc, "_id">[]>();
  if (candidates.length === 0) return [];
  const claim = new mongoose.Types.ObjectId();
  await ActivityEntry.updateMany(
    { ...dueFilter, _id: { $in: candidates.map((entry) => entry._id) } },
    { $set: { dueAt: new Date(now + RETRY_AFTER_MS), claim } },
  );
  return ActivityEntry.find({ claim }).sort({ eventId: 1, seq: 1 }).lean<ActivityEntryDoc[]>();
}

/** Publishes claimed entries of one event, in order; settles each by what Pusher did. */
async function publishClaimed(entries: readonly ActivityEntryDoc[]): Promise<number> {
  const first = entries[0];
  if (!first) return 0;
  const messages = entries.map((entry) => parseStoredMessage(entry.event, entry.data, entry.seq));
  const outcome = await publishMessages(first.eventId.toHexString(), messages);
  const claim = first.claim;
  const sent = entries.slice(0, outcome.accepted).map((entry) => entry._id);
  const unsent = entries.slice(outcome.accepted).map((entry) => entry._id);
  // Failing to settle only means the claim lapses and a later re-sender publishes them again.
  if (sent.length > 0) {
    await ActivityEntry.updateMany(
      { _id: { $in: sent }, claim },
      { $set: { sent: true, dueAt: null, claim: null } },
    ).catch((error: unknown) => logFailure("marking activity sent failed", error));
  }
  // Timed out: Pusher may still take them, so they stay claimed until RETRY_AFTER_MS has passed.
  if (unsent.length > 0 && !outcome.inDoubt) {
    await ActivityEntry.updateMany({ _id: { $in: unsent }, claim }, { $set: { dueAt: new Date(), claim: null } }).catch(
      (error: unknown) => logFailure("releasing activity failed", error),
    );
  }
  return outcome.accepted;
}

/** Sets the event's `resendDueAt` to when its earliest unsent entry is due, or clears it. */
async function refreshResendDue(eventId: mongoose.Types.ObjectId): Promise<void> {
  const next = await ActivityEntry.findOne({ eventId, sent: false }, { dueAt: 1 })
    .sort({ dueAt: 1 })
    .lean<Pick<ActivityEntryDoc, "dueAt">>();
  await Event.updateOne({ _id: eventId }, { $set: { resendDueAt: next?.dueAt ?? null } }, { timestamps: false });
}

export interface ActivityPage {
  activity: (ActivityRecord & { seq: number; at: string })[];
  lastSeq: number;
  hasMore: boolean;
}

/**
 * What a client missed: the entries after `after`, oldest first, at most `limit`. Two queries:
 * the event's `lastSeq` (and that it exists), and one range of the unique (eventId, seq) index.
 */
export async function pageActivity(eventId: string, after: number, limit: number): Promise<ActivityPage> {
  const event = await Event.findById(eventId, { lastSeq: 1 }).lean<Pick<EventDoc, "_id" | "lastSeq">>();
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
    lastSeq: event.lastSeq ?? 0,
    hasMore: entries.length > limit,
  };
}

/**
 * For the cron function: first audits events that had a multi-document write and have been quiet
 * for RETRY_AFTER_MS (so no request of theirs is still running), then claims and publishes the
 * unsent log entries that are due (refused ones at once, timed-out ones after RETRY_AFTER_MS).
 */
export async function deliverStaleActivity(now = Date.now()): Promise<{ events: number; published: number }> {
  const quietSince = new Date(now - RETRY_AFTER_MS);
  const toAudit = await Event.find(
    { auditPending: true, updatedAt: { $lt: quietSince } },
    {
      maxParticipant: 1,
      participantCount: 1,
      lastSeq: 1,
      seqGaps: 1,
      currentState: 1,
      startedAt: 1,
      endedAt: 1,
      startedSeq: 1,
      endedSeq: 1,
      updatedAt: 1,
    },
  )
    .limit(CRON_EVENTS)
    .lean<EventDoc[]>();
  for (const event of toAudit) await auditEvent(event, now);

  // What the audits rebuilt is due at once, so it goes out here with everything else due.
  const resent = await resendDue({}, now);
  return { events: resent.size, published: [...resent.values()].reduce((sum, n) => sum + n, 0) };
}

/**
 * Puts a quiet event's derived state right after a function died between two steps: counts its
 * participants to reset `participantCount` / `openSeats` (a seat taken whose participant was never
 * inserted), and, when the log holds fewer entries than `lastSeq - seqGaps`, rebuilds the entries
 * whose change holds a seq (logged unsent and due, for the re-send that follows), then counts what
 * is left as gaps. The update is conditional on `updatedAt`, so a write that came in meanwhile wins
 * and the next cron run audits again.
 */
async function auditEvent(event: EventDoc, now: number): Promise<void> {
  const eventId = event._id;
  await finishLeaves(eventId);
  const participantCount = await Participant.countDocuments({ eventId });
  let logged = await ActivityEntry.countDocuments({ eventId });
  if (logged + (event.seqGaps ?? 0) !== (event.lastSeq ?? 0)) {
    const missing = await missingAnnouncements(event);
    if (missing.length > 0) {
      // Logged unsent and due, not published here: concurrent crons would each publish it.
      await recordActivity(eventId, missing, { accepted: 0, inDoubt: false }, now);
      logged = await ActivityEntry.countDocuments({ eventId });
    }
  }
  await Event.updateOne(
    { _id: eventId, updatedAt: event.updatedAt },
    {
      $set: {
        participantCount,
        openSeats: (event.maxParticipant ?? UNLIMITED_SEATS) - participantCount,
        seqGaps: Math.max(0, (event.lastSeq ?? 0) - logged),
        auditPending: false,
      },
    },
    { timestamps: false },
  );
}

/**
 * A leave is logged (unsent) before its participant is deleted; a function that died between the
 * two left a participant that has left. Deletes the participants of the event's unsent
 * participant-left entries (of `entries` when given), so the leave is finished before it goes out.
 */
async function finishLeaves(
  eventId: mongoose.Types.ObjectId | null,
  entries?: readonly ActivityEntryDoc[],
): Promise<void> {
  if (!eventId) return;
  const unsent =
    entries ??
    (await ActivityEntry.find({ eventId, event: "participant-left", sent: false }, { data: 1, event: 1 }).lean<
      ActivityEntryDoc[]
    >());
  const leaving = unsent
    .filter((entry) => entry.event === "participant-left")
    .map((entry) => entry.data.participantId)
    .filter((id): id is string => typeof id === "string" && /^[0-9a-f]{24}$/.test(id));
  if (leaving.length === 0) return;
  await Participant.deleteMany({ eventId, _id: { $in: leaving } });
}

/** Each change of the event that holds a seq with no log entry, as the announcement it made. */
async function missingAnnouncements(event: EventDoc): Promise<Announcement[]> {
  const eventId = event._id;
  const logged = new Set(
    (await ActivityEntry.find({ eventId }, { seq: 1 }).lean<Pick<ActivityEntryDoc, "seq">[]>()).map((e) => e.seq),
  );
  const missing: Announcement[] = [];
  const participants = await Participant.find({ eventId }, { name: 1, seq: 1, joinedAt: 1 }).lean<ParticipantDoc[]>();
  for (const participant of participants) {
    if (!logged.has(participant.seq)) missing.push(participantJoined(participant));
  }
  const transitions = [
    { state: "active", seq: event.startedSeq, at: event.startedAt },
    { state: "ended", seq: event.endedSeq, at: event.endedAt },
  ] as const;
  for (const { state, seq, at } of transitions) {
    if (!seq || !at) continue;
    const announcements = lifecycleAnnouncements(event._id.toHexString(), state, seq, at);
    missing.push(...announcements.filter((announcement) => !logged.has(announcement.seq)));
  }
  const cards = await BingoCard.find(
    { eventId },
    { participantId: 1, name: 1, achieved: 1, lastMarkAt: 1, leaderboardSeq: 1 },
  ).lean<BingoCardDoc[]>();
  // A leaderboard-updated is a snapshot of one participant's entry: rebuilt, it carries the entry
  // as it stands now, which supersedes the one that was lost.
  const leaderboardSeqs: { seq: number; participantId: mongoose.Types.ObjectId; at: Date }[] = [];
  for (const card of cards) {
    for (const achieved of card.achieved ?? []) {
      if (!logged.has(achieved.seq)) missing.push(bingoAchieved(card, achieved.seq, achieved.achievementType));
    }
    if (card.leaderboardSeq && !logged.has(card.leaderboardSeq)) {
      leaderboardSeqs.push({ seq: card.leaderboardSeq, participantId: card.participantId, at: card.lastMarkAt });
    }
  }
  const connections = await ParticipantConnection.find(
    { eventId, seq: { $ne: null } },
    { seq: 1, primaryParticipantId: 1, at: 1 },
  ).lean<ParticipantConnectionDoc[]>();
  for (const connection of connections) {
    if (connection.seq && !logged.has(connection.seq)) {
      leaderboardSeqs.push({ seq: connection.seq, participantId: connection.primaryParticipantId, at: connection.at });
    }
  }
  missing.push(...(await rebuildLeaderboardUpdates(eventId, leaderboardSeqs)));
  return missing.sort((a, b) => a.seq - b.seq);
}

async function rebuildLeaderboardUpdates(
  eventId: mongoose.Types.ObjectId,
  seqs: readonly { seq: number; participantId: mongoose.Types.ObjectId; at: Date }[],
): Promise<Announcement[]> {
  if (seqs.length === 0) return [];
  const people = await Participant.find(
    { _id: { $in: seqs.map((s) => s.participantId) } },
    { _id: 1, userId: 1, name: 1 },
  ).lean<ParticipantEntry[]>();
  const rebuilt: Announcement[] = [];
  for (const { seq, participantId, at } of seqs) {
    const participant = people.find((p) => p._id.equals(participantId));
    if (!participant) continue;
    rebuilt.push(leaderboardUpdated(await getLeaderboardEntry(participant, eventId), seq, at));
  }
  return rebuilt;
}

export function participantJoined(
  participant: Pick<ParticipantDoc, "_id" | "name" | "seq" | "joinedAt">,
): Announcement {
  return {
    seq: participant.seq,
    at: participant.joinedAt,
    message: {
      name: "participant-joined",
      data: { participantId: participant._id.toHexString(), name: participant.name },
    },
  };
}

/**
 * A transition's announcements, under `seq` and `seq + 1`: the guide's event-started /
 * event-ended, then the apps' `event` with the new status in their words.
 */
export function lifecycleAnnouncements(
  eventId: string,
  state: "active" | "ended",
  seq: number,
  at: Date,
): Announcement[] {
  const when = new Date(at);
  return [
    {
      seq,
      at: when,
      message:
        state === "active"
          ? { name: "event-started", data: { eventId, state: "active", startedAt: when.toISOString() } }
          : { name: "event-ended", data: { eventId, state: "ended", endedAt: when.toISOString() } },
    },
    { seq: seq + 1, at: when, message: { name: "event", data: { status: APP_STATE_NAMES[state] } } },
  ];
}

export function participantLeft(
  participant: Pick<ParticipantDoc, "_id" | "name">,
  seq: number,
  at: Date,
): Announcement {
  return {
    seq,
    at,
    message: {
      name: "participant-left",
      data: { participantId: participant._id.toHexString(), name: participant.name },
    },
  };
}

/** The dashboard's live leaderboard row for one participant, under `seq`. */
export function leaderboardUpdated(entry: LeaderboardUpdatedPayload, seq: number, at: Date): Announcement {
  return { seq, at, message: { name: "leaderboard-updated", data: { ...entry } } };
}

export function bingoAchieved(
  card: Pick<BingoCardDoc, "participantId" | "name" | "lastMarkAt">,
  seq: number,
  achievementType: "line" | "card",
): Announcement {
  return {
    seq,
    at: card.lastMarkAt,
    message: {
      name: "bingo-achieved",
      data: { participantId: card.participantId.toHexString(), participantName: card.name, achievementType },
    },
  };
}
