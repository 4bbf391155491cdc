import type mongoose from "mongoose";
import { getLeaderboardEntries } from "../bingo/leaderboard";
import { ActivityEntry, type ActivityEntryDoc } from "../models/activity-entry";
import { BingoCard, type BingoCardDoc } from "../models/bingo-card";
import { type EventDoc, UNLIMITED_SEATS } from "../models/event";
import { Participant, type ParticipantDoc, type ParticipantWithPhoto } from "../models/participant";
import { ParticipantConnection, type ParticipantConnectionDoc } from "../models/participant-connection";
import {
  type Announcement,
  bingoAchieved,
  leaderboardUpdated,
  lifecycleAnnouncements,
  participantJoined,
} from "../realtime/messages";
import { logMissing } from "../realtime/outbox";
import { isLogComplete, reserveRepairSeqs, settleSeqGaps } from "../realtime/sequence";
import { LIFECYCLE_ENTRIES, unannouncedTransitions } from "./unlogged-transitions";

/** The seqs one transition's announcements take (lifecycleAnnouncements). */
const LIFECYCLE_SEQS = 2;

/**
 * Puts a quiet event's derived state right after a function died between two steps (jobs/heal.ts
 * claims it first, so two never run at once): auditEvents of the one event. Resolves to how many
 * entries it rebuilt (logged unsent and due).
 */
export async function auditEvent(event: EventDoc, now: number): Promise<number> {
  return (await auditEvents([event], now)).get(event._id.toHexString()) ?? 0;
}

/**
 * Puts quiet events' derived state right after functions died between two steps (jobs/heal.ts
 * claims them first, so two audits of one event never run at once): finishes half-done leaves,
 * counts each event's participants to reset `participantCount` / `openSeats` (a seat taken whose
 * participant was never inserted), and, for an event whose log is incomplete, rebuilds the entries
 * whose change holds a seq (logged unsent and due, for the re-send that follows), then counts what
 * is left as gaps. The settlement is conditional on `updatedAt`, so a write that came in meanwhile
 * wins and the event is repaired again once quiet. Commands: 4 for any number of events (unsent
 * leaves, participant counts, log counts, settlement), 1 more when a leave is to finish, and when
 * some logs are incomplete 4 reads of their sources, then per event with entries to rebuild its
 * insert (and its leaderboard reads), and 1 recount. Resolves to the entries rebuilt, by event (hex id).
 */
export async function auditEvents(events: readonly EventDoc[], now: number): Promise<Map<string, number>> {
  const rebuilt = new Map<string, number>();
  if (events.length === 0) return rebuilt;
  const ids = events.map((event) => event._id);
  await finishLeaves(ids);
  const participantCounts = await countByEvent(Participant, ids);
  const logged = await countByEvent(ActivityEntry, ids);
  const incomplete = events.filter((event) => !isLogComplete(event, logged.get(event._id.toHexString()) ?? 0));
  if (incomplete.length > 0) {
    const sources = await readLogSources(incomplete.map((event) => event._id));
    for (const event of incomplete) {
      const missing = await missingAnnouncements(event, sources.get(event._id.toHexString()) ?? NO_SOURCES);
      if (missing.length === 0) continue;
      await logMissing(event._id, missing, now);
      rebuilt.set(event._id.toHexString(), missing.length);
    }
    const recount = incomplete.filter((event) => rebuilt.has(event._id.toHexString())).map((event) => event._id);
    if (recount.length > 0) for (const [id, n] of await countByEvent(ActivityEntry, recount)) logged.set(id, n);
  }
  await settleSeqGaps(
    events.map((event) => {
      const participantCount = participantCounts.get(event._id.toHexString()) ?? 0;
      return {
        event,
        logged: logged.get(event._id.toHexString()) ?? 0,
        set: { participantCount, openSeats: (event.maxParticipant ?? UNLIMITED_SEATS) - participantCount },
      };
    }),
  );
  return rebuilt;
}

/** How many documents of `model` each event has, by event (hex id; absent = 0): one `aggregate`. */
async function countByEvent(
  model: typeof Participant | typeof ActivityEntry,
  ids: readonly mongoose.Types.ObjectId[],
): Promise<Map<string, number>> {
  const counts: { _id: mongoose.Types.ObjectId; n: number }[] = await (model as typeof Participant).aggregate([
    { $match: { eventId: { $in: ids } } },
    { $group: { _id: "$eventId", n: { $sum: 1 } } },
  ]);
  return new Map(counts.map(({ _id, n }) => [_id.toHexString(), n]));
}

/**
 * A leave is logged (unsent) before its participant is deleted; a function that died between the
 * two left a participant that has left. Deletes the participants of the events' unsent
 * participant-left entries, so the leave is finished before it goes out.
 */
async function finishLeaves(eventIds: readonly mongoose.Types.ObjectId[]): Promise<void> {
  const eventId = { $in: eventIds };
  const unsent = await ActivityEntry.find(
    { eventId, event: "participant-left", sent: false },
    { data: 1, event: 1 },
  ).lean<ActivityEntryDoc[]>();
  const leaving = unsent
    .map((entry) => entry.data.participantId)
    .filter((id): id is string => typeof id === "string" && /^[0-9a-f]{24}$/.test(id));
  if (leaving.length === 0) return;
  await Participant.deleteMany({ eventId, _id: { $in: leaving } });
}

/** What a log's entries are rebuilt from: the documents whose change holds a seq, of one event. */
interface LogSources {
  logged: Set<number>;
  /** The event's lifecycle entries (which transitions were announced: jobs/unlogged-transitions.ts). */
  lifecycle: Pick<ActivityEntryDoc, "event" | "data">[];
  participants: ParticipantDoc[];
  cards: BingoCardDoc[];
  connections: ParticipantConnectionDoc[];
}

const NO_SOURCES: LogSources = { logged: new Set(), lifecycle: [], participants: [], cards: [], connections: [] };

/** The log sources of the events, by event (hex id): one read per collection for all of them. */
async function readLogSources(eventIds: readonly mongoose.Types.ObjectId[]): Promise<Map<string, LogSources>> {
  const eventId = { $in: eventIds };
  const [entries, participants, cards, connections] = [
    await ActivityEntry.find({ eventId }, { eventId: 1, seq: 1, event: 1, "data.status": 1 }).lean<
      Pick<ActivityEntryDoc, "eventId" | "seq" | "event" | "data">[]
    >(),
    await Participant.find({ eventId }, { eventId: 1, name: 1, seq: 1, joinedAt: 1 }).lean<ParticipantDoc[]>(),
    await BingoCard.find(
      { eventId },
      { eventId: 1, participantId: 1, name: 1, achieved: 1, lastMarkAt: 1, leaderboardSeq: 1 },
    ).lean<BingoCardDoc[]>(),
    await ParticipantConnection.find(
      { eventId, seq: { $ne: null } },
      { eventId: 1, seq: 1, primaryParticipantId: 1, at: 1 },
    ).lean<ParticipantConnectionDoc[]>(),
  ];
  const sources = new Map<string, LogSources>();
  const of = (id: mongoose.Types.ObjectId): LogSources => {
    const key = id.toHexString();
    const found = sources.get(key) ?? {
      logged: new Set(),
      lifecycle: [],
      participants: [],
      cards: [],
      connections: [],
    };
    sources.set(key, found);
    return found;
  };
  for (const entry of entries) {
    const own = of(entry.eventId);
    own.logged.add(entry.seq);
    if (LIFECYCLE_ENTRIES.includes(entry.event)) own.lifecycle.push(entry);
  }
  for (const participant of participants) of(participant.eventId).participants.push(participant);
  for (const card of cards) of(card.eventId).cards.push(card);
  for (const connection of connections) of(connection.eventId).connections.push(connection);
  return sources;
}

/** Each change of the event that holds a seq with no log entry, as the announcement it made. */
async function missingAnnouncements(
  event: EventDoc,
  { logged, lifecycle, participants, cards, connections }: LogSources,
): Promise<Announcement[]> {
  const eventId = event._id;
  const missing: Announcement[] = [];
  for (const participant of participants) {
    if (logged.has(participant.seq)) continue;
    missing.push(participantJoined({ ...participant, participantId: participant._id.toHexString() }));
  }
  // A leaderboard-updated is a snapshot of one participant's entry: rebuilt, it carries the entry
  // as it stands now, which supersedes the one that was lost.
  const leaderboardSeqs: { seq: number; participantId: mongoose.Types.ObjectId; at: Date }[] = [];
  for (const card of cards) {
    const achiever = {
      participantId: card.participantId.toHexString(),
      participantName: card.name,
      lastMarkAt: card.lastMarkAt,
    };
    for (const achieved of card.achieved ?? []) {
      if (!logged.has(achieved.seq)) missing.push(bingoAchieved(achiever, achieved.seq, achieved.achievementType));
    }
    if (card.leaderboardSeq && !logged.has(card.leaderboardSeq)) {
      leaderboardSeqs.push({ seq: card.leaderboardSeq, participantId: card.participantId, at: card.lastMarkAt });
    }
  }
  for (const connection of connections) {
    if (connection.seq && !logged.has(connection.seq)) {
      leaderboardSeqs.push({ seq: connection.seq, participantId: connection.primaryParticipantId, at: connection.at });
    }
  }
  missing.push(...(await rebuildLeaderboardUpdates(eventId, leaderboardSeqs, event.meetingProof === "scan")));
  // Last, after every read that may fail: the seqs it reserves are gaps if nothing logs them.
  missing.push(...(await reannounceTransitions(event, lifecycle)));
  return missing.sort((a, b) => a.seq - b.seq);
}

/**
 * A transition stores no seq (events/lifecycle.ts), so the log says whether it was announced: one
 * lacking its entries is announced again under seqs reserved now, and the seqs it took first are
 * settled as gaps. The settle counts up to the `lastSeq` after this reservation (set on `event`
 * for it), and the reservation leaves `updatedAt` alone, so the settle still matches. Safe to
 * send twice: clients drop only a seq they have seen, and a repeated event-started / event-ended
 * and `event` carry the state the event has.
 */
async function reannounceTransitions(
  event: EventDoc,
  entries: readonly Pick<ActivityEntryDoc, "event" | "data">[],
): Promise<Announcement[]> {
  const states = unannouncedTransitions(event, entries);
  if (states.length === 0) return [];
  const reserved = await reserveRepairSeqs(event._id, states.length * LIFECYCLE_SEQS);
  if (!reserved) return [];
  event.lastSeq = reserved.lastSeq;
  return states.flatMap((state, i) => {
    const at = (state === "active" ? event.startedAt : event.endedAt) ?? new Date();
    return lifecycleAnnouncements(event._id.toHexString(), state, reserved.firstSeq + i * LIFECYCLE_SEQS, at);
  });
}

async function rebuildLeaderboardUpdates(
  eventId: mongoose.Types.ObjectId,
  seqs: readonly { seq: number; participantId: mongoose.Types.ObjectId; at: Date }[],
  verifiedOnly: boolean,
): Promise<Announcement[]> {
  if (seqs.length === 0) return [];
  const people = await Participant.find(
    { _id: { $in: seqs.map((s) => s.participantId) } },
    { _id: 1, userId: 1, name: 1, photo: 1 },
  ).lean<ParticipantWithPhoto[]>();
  // Every row in three queries at most, however many were lost (bingo/leaderboard.ts).
  const entries = await getLeaderboardEntries(people, eventId, verifiedOnly);
  const byId = new Map(entries.map((entry) => [entry.participantId, entry]));
  return seqs.flatMap(({ seq, participantId, at }) => {
    const entry = byId.get(participantId.toHexString());
    return entry ? [leaderboardUpdated(entry, seq, at)] : [];
  });
}
