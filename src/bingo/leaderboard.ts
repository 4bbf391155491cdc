import mongoose from "mongoose";
import { ApiError, eventNotFound } from "../errors";
import { BingoCard, type BingoCardDoc } from "../models/bingo-card";
import { Event, type EventDoc } from "../models/event";
import { Participant, type ParticipantEntry, type ParticipantWithPhoto } from "../models/participant";
import { ParticipantConnection } from "../models/participant-connection";
import { User, type UserDoc } from "../models/user";
import type { LeaderboardUpdatedPayload } from "../schemas/realtime";
import { photoOnEventScreens } from "../users/visibility";

// Each query answers in one reply (the server still caps a reply at 16 MB) instead of the
// driver's first 101 documents followed by getMore round trips.
const ONE_BATCH = 100_000;

/**
 * One row of the leaderboard, in the shape the host dashboard reads (plus `squaresFilled`): the
 * same row `leaderboard-updated` carries. `connectionsCount` is the distinct people met.
 */
export type LeaderboardEntry = LeaderboardUpdatedPayload;

export type LeaderboardCard = Pick<BingoCardDoc, "participantId" | "version" | "lines" | "completed" | "lastMarkAt">;

/** What ranking needs beyond participants and cards: connections and photos, keyed by hex id. */
export interface LeaderboardExtras {
  /** Connections per participant (hex participant id). */
  connections?: ReadonlyMap<string, number>;
  /** Profile photo per user (hex user id). */
  photos?: ReadonlyMap<string, string | null>;
}

/** One participant's entry from their newest card (null before their first mark). */
export function leaderboardEntry(
  participant: Pick<ParticipantEntry, "_id" | "name">,
  card: Pick<LeaderboardCard, "version" | "lines" | "completed"> | null,
  connectionsCount: number,
  profilePhoto: string | null,
): LeaderboardEntry {
  return {
    participantId: participant._id.toHexString(),
    name: participant.name,
    profilePhoto,
    connectionsCount,
    linesCompleted: card?.lines.length ?? 0,
    completed: card?.completed ?? false,
    squaresFilled: card?.version ?? 0,
  };
}

/**
 * Every participant, best first: full card, then lines, then squares filled, then people met,
 * then who reached that score first (their newest mark); the rest in join order. `cards` may hold
 * every version of each card: the newest one counts.
 */
export function rankLeaderboard(
  participants: readonly Pick<ParticipantEntry, "_id" | "name" | "userId">[],
  cards: readonly LeaderboardCard[],
  { connections = new Map(), photos = new Map() }: LeaderboardExtras = {},
): LeaderboardEntry[] {
  const latest = new Map<string, LeaderboardCard>();
  for (const card of cards) {
    const key = card.participantId.toHexString();
    if ((latest.get(key)?.version ?? 0) < card.version) latest.set(key, card);
  }
  const rows = participants.map((participant, joinIndex) => {
    const key = participant._id.toHexString();
    const card = latest.get(key) ?? null;
    return {
      entry: leaderboardEntry(
        participant,
        card,
        connections.get(key) ?? 0,
        photos.get(participant.userId.toHexString()) ?? null,
      ),
      reachedAt: card ? card.lastMarkAt.getTime() : Number.POSITIVE_INFINITY,
      joinIndex,
    };
  });
  rows.sort(
    (a, b) =>
      Number(b.entry.completed) - Number(a.entry.completed) ||
      b.entry.linesCompleted - a.entry.linesCompleted ||
      b.entry.squaresFilled - a.entry.squaresFilled ||
      b.entry.connectionsCount - a.entry.connectionsCount ||
      compareTimes(a.reachedAt, b.reachedAt) ||
      a.joinIndex - b.joinIndex,
  );
  return rows.map((row) => row.entry);
}

function compareTimes(a: number, b: number): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * GET …/leaderboard: every participant, so it reads the whole event, but only projected fields,
 * in four queries (plus the event's meetingProof, read beside the first, which also tells 404 from
 * empty): the participants in join order ((eventId, seq) index), every card version
 * without its marks (eventId index), the connections counted per participant in the database
 * ($match + $group on the (eventId, …) connection index), and the participants' photos (users by
 * _id). In "scan" mode only verified meetings count.
 */
export async function getLeaderboard(eventId: string): Promise<LeaderboardEntry[]> {
  const [participants, event] = await Promise.all([
    Participant.find({ eventId }, { _id: 1, name: 1, userId: 1 })
      .sort({ seq: 1 })
      .batchSize(ONE_BATCH)
      .lean<ParticipantEntry[]>(),
    Event.findById(eventId, { meetingProof: 1 }).lean<Pick<EventDoc, "_id" | "meetingProof">>(),
  ]);
  if (!event) throw eventNotFound();
  if (participants.length === 0) return [];
  const eventObjectId = new mongoose.Types.ObjectId(eventId);
  const [cards, counts, users] = await Promise.all([
    // Every version of every card, without the marks: small documents, at most size² per card.
    BingoCard.find({ eventId }, { participantId: 1, version: 1, lines: 1, completed: 1, lastMarkAt: 1 })
      .batchSize(ONE_BATCH)
      .lean<LeaderboardCard[]>(),
    ParticipantConnection.aggregate<{ _id: mongoose.Types.ObjectId; count: number }>([
      { $match: { eventId: eventObjectId, ...verifiedFilter(event.meetingProof === "scan") } },
      { $group: { _id: "$primaryParticipantId", count: { $sum: 1 } } },
    ]).option({ batchSize: ONE_BATCH }),
    User.find({ _id: { $in: participants.map((p) => p.userId) } }, { profilePhoto: 1, profileVisibility: 1 })
      .batchSize(ONE_BATCH)
      .lean<Pick<UserDoc, "_id" | "profilePhoto" | "profileVisibility">[]>(),
  ]);
  return rankLeaderboard(participants, cards, {
    connections: new Map(counts.map((row) => [row._id.toHexString(), row.count])),
    photos: new Map(users.map((user) => [user._id.toHexString(), photoOnEventScreens(user)])),
  });
}

/** The connections a count includes: every one, or (an event in "scan" mode) verified meetings only. */
function verifiedFilter(verifiedOnly: boolean): { verified?: true } {
  return verifiedOnly ? { verified: true } : {};
}

/**
 * Some participants' entries as they stand, in at most three queries whatever their number: their
 * cards (the newest version only for one participant; every version, without the marks, for
 * several: at most size² small documents each, the newest counts), the people each met in one
 * `$group` ((eventId, primaryParticipantId) index; verified meetings only when `verifiedOnly`, the
 * event in "scan" mode), and the users of those stored without the photo they keep (by _id; no
 * query when all keep theirs). In the order given.
 */
export function getLeaderboardEntries(
  participants: readonly ParticipantWithPhoto[],
  eventId: mongoose.Types.ObjectId,
  verifiedOnly = false,
): Promise<LeaderboardEntry[]> {
  return entriesOf(participants, eventId, verifiedOnly);
}

/**
 * One participant's entry as it stands. `card`: their newest card when the caller holds it already
 * (a mark has just appended it), so it is not read again.
 */
export async function getLeaderboardEntry(
  participant: ParticipantWithPhoto,
  eventId: mongoose.Types.ObjectId,
  card?: Pick<LeaderboardCard, "version" | "lines" | "completed"> | null,
  verifiedOnly = false,
): Promise<LeaderboardEntry> {
  const [entry] = await entriesOf([participant], eventId, verifiedOnly, card);
  return entry as LeaderboardEntry;
}

async function entriesOf(
  participants: readonly ParticipantWithPhoto[],
  eventId: mongoose.Types.ObjectId,
  verifiedOnly: boolean,
  card?: Pick<LeaderboardCard, "version" | "lines" | "completed"> | null,
): Promise<LeaderboardEntry[]> {
  if (participants.length === 0) return [];
  const ids = participants.map((participant) => participant._id);
  const only = ids.length === 1 ? ids[0] : undefined;
  const unknownPhotos = participants.filter((p) => p.photo === undefined).map((p) => p.userId);
  const cardFields = { participantId: 1, version: 1, lines: 1, completed: 1 };
  const [cards, counts, users] = await Promise.all([
    card !== undefined
      ? []
      : only
        ? BingoCard.find({ participantId: only }, cardFields).sort({ version: -1 }).limit(1).lean<LeaderboardCard[]>()
        : BingoCard.find({ participantId: { $in: ids } }, cardFields)
            .batchSize(ONE_BATCH)
            .lean<LeaderboardCard[]>(),
    ParticipantConnection.aggregate<{ _id: mongoose.Types.ObjectId; count: number }>([
      { $match: { eventId, primaryParticipantId: only ?? { $in: ids }, ...verifiedFilter(verifiedOnly) } },
      { $group: { _id: "$primaryParticipantId", count: { $sum: 1 } } },
    ]),
    unknownPhotos.length === 0
      ? []
      : User.find({ _id: { $in: unknownPhotos } }, { profilePhoto: 1, profileVisibility: 1 }).lean<
          Pick<UserDoc, "_id" | "profilePhoto" | "profileVisibility">[]
        >(),
  ]);
  const newest = new Map<string, Pick<LeaderboardCard, "version" | "lines" | "completed">>();
  for (const found of cards) {
    const key = found.participantId.toHexString();
    if ((newest.get(key)?.version ?? 0) < found.version) newest.set(key, found);
  }
  const met = new Map(counts.map((row) => [row._id.toHexString(), row.count]));
  const photos = new Map(users.map((user) => [user._id.toHexString(), photoOnEventScreens(user)]));
  return participants.map((participant) => {
    const key = participant._id.toHexString();
    return leaderboardEntry(
      participant,
      card !== undefined ? card : (newest.get(key) ?? null),
      met.get(key) ?? 0,
      participant.photo !== undefined ? participant.photo : (photos.get(participant.userId.toHexString()) ?? null),
    );
  });
}

/**
 * PUT …/leaderboard/score: the app reports a score; the server is the referee, so nothing is
 * stored and the answer is the caller's entry as the server computed it.
 */
export async function getOwnScore(eventId: string, userId: string): Promise<LeaderboardEntry> {
  const eventObjectId = new mongoose.Types.ObjectId(eventId);
  const [participant, event] = await Promise.all([
    Participant.findOne({ eventId: eventObjectId, userId }, { _id: 1, userId: 1, name: 1, photo: 1 })
      .lean<ParticipantWithPhoto>()
      .exec(),
    Event.findById(eventId, { meetingProof: 1 }).lean<Pick<EventDoc, "_id" | "meetingProof">>(),
  ]);
  if (!event) throw eventNotFound();
  if (!participant) throw new ApiError("forbidden", "Only a participant of this event has a score.");
  return getLeaderboardEntry(participant, eventObjectId, undefined, event.meetingProof === "scan");
}
