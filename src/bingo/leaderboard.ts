import { eventNotFound } from "../events/event-store";
import { BingoCard, type BingoCardDoc } from "../models/bingo-card";
import { Event } from "../models/event";
import { Participant, type ParticipantEntry } from "../models/participant";

// Each query answers in one reply (the server still caps a reply at 16 MB) instead of the
// driver's first 101 documents followed by getMore round trips.
const ONE_BATCH = 100_000;

export interface LeaderboardEntry {
  participantId: string;
  name: string;
  linesCompleted: number;
  completed: boolean;
  squaresFilled: number;
}

export type LeaderboardCard = Pick<BingoCardDoc, "participantId" | "version" | "lines" | "completed" | "lastMarkAt">;

/**
 * Every participant, best first: full card, then lines, then squares filled, then who reached
 * that score first (their newest mark); participants without a mark come last, in join order.
 * `cards` may hold every version of each card: the newest one counts.
 */
export function rankLeaderboard(
  participants: readonly Pick<ParticipantEntry, "_id" | "name">[],
  cards: readonly LeaderboardCard[],
): LeaderboardEntry[] {
  const latest = new Map<string, LeaderboardCard>();
  for (const card of cards) {
    const key = card.participantId.toHexString();
    if ((latest.get(key)?.version ?? 0) < card.version) latest.set(key, card);
  }
  const rows = participants.map((entry, joinIndex) => {
    const participantId = entry._id.toHexString();
    const card = latest.get(participantId);
    return {
      entry: {
        participantId,
        name: entry.name,
        linesCompleted: card?.lines.length ?? 0,
        completed: card?.completed ?? false,
        squaresFilled: card?.version ?? 0,
      },
      reachedAt: card ? card.lastMarkAt.getTime() : Number.POSITIVE_INFINITY,
      joinIndex,
    };
  });
  rows.sort(
    (a, b) =>
      Number(b.entry.completed) - Number(a.entry.completed) ||
      b.entry.linesCompleted - a.entry.linesCompleted ||
      b.entry.squaresFilled - a.entry.squaresFilled ||
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
 * GET …/leaderboard: every participant, so it reads the whole event, but only projected fields:
 * the participants in join order ((eventId, seq) index) and every card version without its marks
 * (eventId index). The event itself is read only when it has no participant, to tell 404 from empty.
 */
export async function getLeaderboard(eventId: string): Promise<LeaderboardEntry[]> {
  const participants = await Participant.find({ eventId }, { _id: 1, name: 1 })
    .sort({ seq: 1 })
    .batchSize(ONE_BATCH)
    .lean<Pick<ParticipantEntry, "_id" | "name">[]>();
  if (participants.length === 0) {
    if (!(await Event.exists({ _id: eventId }))) throw eventNotFound();
    return [];
  }
  // Every version of every card, without the marks: small documents, at most size² per card.
  const cards = await BingoCard.find(
    { eventId },
    { participantId: 1, version: 1, lines: 1, completed: 1, lastMarkAt: 1 },
  )
    .batchSize(ONE_BATCH)
    .lean<LeaderboardCard[]>();
  return rankLeaderboard(participants, cards);
}
