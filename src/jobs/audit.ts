import type mongoose from "mongoose";
import { getLeaderboardEntry } from "../bingo/leaderboard";
import { ActivityEntry, type ActivityEntryDoc } from "../models/activity-entry";
import { BingoCard, type BingoCardDoc } from "../models/bingo-card";
import { type EventDoc, UNLIMITED_SEATS } from "../models/event";
import { Participant, type ParticipantDoc, type ParticipantEntry } from "../models/participant";
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
import { unannouncedTransitions } from "./unlogged-transitions";

/** The seqs one transition's announcements take (lifecycleAnnouncements). */
const LIFECYCLE_SEQS = 2;

/**
 * Puts a quiet event's derived state right after a function died between two steps (jobs/heal.ts
 * claims it first, so two never run at once): counts its
 * participants to reset `participantCount` / `openSeats` (a seat taken whose participant was never
 * inserted), and, when the log is incomplete, rebuilds the entries whose change holds a seq and
 * announces again a transition the log lacks (logged unsent and due, for the re-send that
 * follows), then counts what is left as gaps. The update is conditional on `updatedAt`, so a write
 * that came in meanwhile wins and the event is repaired again once quiet. Resolves to how many
 * entries it rebuilt (logged unsent and due).
 */
export async function auditEvent(event: EventDoc, now: number): Promise<number> {
  const eventId = event._id;
  await finishLeaves(eventId);
  const participantCount = await Participant.countDocuments({ eventId });
  let logged = await ActivityEntry.countDocuments({ eventId });
  let rebuilt = 0;
  if (!isLogComplete(event, logged)) {
    const missing = await missingAnnouncements(event);
    if (missing.length > 0) {
      await logMissing(eventId, missing, now);
      logged = await ActivityEntry.countDocuments({ eventId });
      rebuilt = missing.length;
    }
  }
  await settleSeqGaps(event, logged, {
    participantCount,
    openSeats: (event.maxParticipant ?? UNLIMITED_SEATS) - participantCount,
  });
  return rebuilt;
}

/**
 * A leave is logged (unsent) before its participant is deleted; a function that died between the
 * two left a participant that has left. Deletes the participants of the event's unsent
 * participant-left entries, so the leave is finished before it goes out.
 */
async function finishLeaves(eventId: mongoose.Types.ObjectId): Promise<void> {
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

/** Each change of the event that holds a seq with no log entry, as the announcement it made. */
async function missingAnnouncements(event: EventDoc): Promise<Announcement[]> {
  const eventId = event._id;
  const entries = await ActivityEntry.find({ eventId }, { seq: 1, event: 1, "data.status": 1 }).lean<
    Pick<ActivityEntryDoc, "seq" | "event" | "data">[]
  >();
  const logged = new Set(entries.map((e) => e.seq));
  const missing: Announcement[] = [];
  const participants = await Participant.find({ eventId }, { name: 1, seq: 1, joinedAt: 1 }).lean<ParticipantDoc[]>();
  for (const participant of participants) {
    if (logged.has(participant.seq)) continue;
    missing.push(participantJoined({ ...participant, participantId: participant._id.toHexString() }));
  }
  const cards = await BingoCard.find(
    { eventId },
    { participantId: 1, name: 1, achieved: 1, lastMarkAt: 1, leaderboardSeq: 1 },
  ).lean<BingoCardDoc[]>();
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
  // Last, after every read that may fail: the seqs it reserves are gaps if nothing logs them.
  missing.push(...(await reannounceTransitions(event, entries)));
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
