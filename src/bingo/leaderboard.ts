import { eventNotFound } from "../events/event-store";
import { Event, type EventDoc, type ParticipantEntry } from "../models/event";
import { Participant, type ParticipantDoc } from "../models/participant";

export interface LeaderboardEntry {
  participantId: string;
  name: string;
  linesCompleted: number;
  completed: boolean;
  squaresFilled: number;
}

export type LeaderboardCard = Pick<ParticipantDoc, "participantId" | "version" | "lines" | "completed" | "lastMarkAt">;

/**
 * Every participant, best first: full card, then lines, then squares filled, then who reached
 * that score first (their newest mark); participants without a mark come last, in join order.
 * `cards` may hold every version of each card: the newest one counts.
 */
export function rankLeaderboard(
  participants: readonly ParticipantEntry[],
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

/** GET …/leaderboard: from the stored cards and the event's participant list, nothing else. */
export async function getLeaderboard(eventId: string): Promise<LeaderboardEntry[]> {
  const event = await Event.findById(eventId, { participants: 1 }).lean<EventDoc>();
  if (!event) throw eventNotFound();
  // Every version of every card, without the marks: small documents, at most size² per card.
  const cards = await Participant.find(
    { eventId: event._id },
    { participantId: 1, version: 1, lines: 1, completed: 1, lastMarkAt: 1 },
  ).lean<LeaderboardCard[]>();
  return rankLeaderboard(event.participants, cards);
}
