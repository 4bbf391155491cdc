import type { TokenClaims } from "../auth/tokens";
import { ApiError, busyError, type ErrorIssue, isDuplicateKeyError } from "../errors";
import { eventNotFound } from "../events/event-store";
import { findParticipantByUser } from "../events/join-event";
import { type BingoAchieved, BingoCard, type BingoCardDoc, type BingoMark } from "../models/bingo-card";
import { Event, type EventDoc } from "../models/event";
import { Participant, type ParticipantEntry } from "../models/participant";
import { announce, bingoAchieved } from "../realtime/activity";
import type { BingoAchievedPayload } from "../realtime/pusher";
import type { RecordBingoSquareInput } from "../schemas/bingo";
import { newAchievements } from "./achievements";
import { completedLines, isCardComplete } from "./lines";
import { type SerializedBingo, type SerializedCard, serializeBingo, serializeCard } from "./serialize";

export interface RecordSquareResult {
  card: SerializedCard;
  /** What this request newly achieved, each one published once as `bingo-achieved`. */
  achievements: BingoAchievedPayload[];
}

/**
 * POST …/bingo: the caller met `participantId` and says they fit square (row, col). Four round
 * trips: read the event (state, grid size), read the caller and the other person in one query
 * ((eventId, userId) and _id indexes), read the newest version of the caller's card, insert the
 * next version with the mark added. The unique (participantId, version) index lets only one of two
 * racing requests append a given version; the other reads again and re-checks. A version that
 * achieves something first reserves one seq per achievement (one `$inc` on the event) and stores
 * them in `achieved`, so whoever appends it announces each line and the full card exactly once,
 * and the cron can rebuild the log entries from the card if the function dies before writing them.
 * A reservation whose version loses the race is counted as a gap.
 */
export async function recordBingoSquare(
  eventId: string,
  claims: TokenClaims,
  input: RecordBingoSquareInput,
): Promise<RecordSquareResult> {
  const event = await Event.findById(eventId, { currentState: 1, "bingo.size": 1 }).lean<EventDoc>();
  if (!event) throw eventNotFound();
  if (event.currentState !== "active") {
    throw new ApiError(
      "event_not_active",
      `Bingo squares can only be recorded while the event is active; it is ${event.currentState}.`,
    );
  }
  const people = await Participant.find(
    { eventId: event._id, $or: [{ userId: claims.userId }, { _id: input.participantId }] },
    { _id: 1, userId: 1, name: 1 },
  ).lean<ParticipantEntry[]>();
  const caller = people.find((entry) => entry.userId.equals(claims.userId));
  if (!caller) throw new ApiError("forbidden", "Only a participant of this event can record bingo squares.");
  const size = event.bingo.size;
  const other = checkMark(size, people, caller, input);
  const mark: BingoMark = {
    square: input.row * size + input.col,
    participantId: other._id,
    name: other.name,
    at: new Date(),
  };

  // Each lost race means another mark was appended, and a card holds at most size² marks, so
  // this loop ends: at the latest the square is taken.
  for (let attempt = 0; attempt <= size * size; attempt++) {
    const latest = await getLatestCard(caller._id.toHexString());
    const marks = latest?.marks ?? [];
    if (marks.some((m) => m.square === mark.square && m.participantId.equals(mark.participantId))) {
      return { card: serializeCard(size, latest), achievements: [] };
    }
    if (marks.some((m) => m.square === mark.square))
      throw new ApiError("square_taken", "That square is already filled on your card.");
    if (marks.some((m) => m.participantId.equals(mark.participantId))) {
      throw new ApiError("participant_already_used", `${mark.name} already fills another square on your card.`);
    }

    const squares = [...marks.map((m) => m.square), mark.square];
    const next: Omit<BingoCardDoc, "_id"> = {
      participantId: caller._id,
      version: (latest?.version ?? 0) + 1,
      eventId: event._id,
      userId: caller.userId,
      name: caller.name,
      marks: [...marks, mark],
      lines: completedLines(size, squares),
      completed: isCardComplete(size, squares),
      lastMarkAt: mark.at,
      achieved: [],
    };
    const won = newAchievements(latest, next);
    const types = [...won.lines.map(() => "line" as const), ...(won.completed ? ["card" as const] : [])];
    const reserved = types.length > 0 ? await reserveSeqs(event._id.toHexString(), types.length) : null;
    if (reserved) next.achieved = types.map((achievementType, i) => ({ seq: reserved.firstSeq + i, achievementType }));
    try {
      await BingoCard.create(next);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      if (reserved) await Event.updateOne({ _id: event._id }, { $inc: { seqGaps: types.length } });
      continue;
    }
    const achievements = reserved ? await announceAchievements(reserved.event, next, next.achieved) : [];
    return { card: serializeCard(size, next), achievements };
  }
  throw busyError("Your card is busy; please try again.");
}

/** Reserves `count` consecutive seqs of the event's activity log. */
async function reserveSeqs(eventId: string, count: number): Promise<{ event: EventDoc; firstSeq: number }> {
  const event = await Event.findOneAndUpdate(
    { _id: eventId },
    { $inc: { lastSeq: count }, $set: { auditPending: true } },
    { returnDocument: "after" },
  ).lean<EventDoc>();
  if (!event) throw eventNotFound();
  return { event, firstSeq: event.lastSeq - count + 1 };
}

/** The other participant, after every check of the request; all problems reported together. */
function checkMark(
  size: number,
  people: readonly ParticipantEntry[],
  caller: ParticipantEntry,
  input: RecordBingoSquareInput,
): ParticipantEntry {
  const issues: ErrorIssue[] = [];
  if (input.row >= size)
    issues.push({ path: "row", message: `must be less than ${size} on this ${size}×${size} grid` });
  if (input.col >= size)
    issues.push({ path: "col", message: `must be less than ${size} on this ${size}×${size} grid` });
  const other = people.find((entry) => entry._id.equals(input.participantId));
  if (!other) issues.push({ path: "participantId", message: "is not a participant of this event" });
  else if (other._id.equals(caller._id))
    issues.push({ path: "participantId", message: "is you: find someone else for this square" });
  if (issues.length > 0 || !other) throw new ApiError("invalid_input", "The request is not valid.", issues);
  return other;
}

/** Publishes what the new version achieved, under the seqs it stored, then logs it. */
async function announceAchievements(
  event: EventDoc,
  card: Pick<BingoCardDoc, "participantId" | "name" | "lastMarkAt">,
  achieved: readonly BingoAchieved[],
): Promise<BingoAchievedPayload[]> {
  const announcements = achieved.map(({ seq, achievementType }) => bingoAchieved(card, seq, achievementType));
  await announce(event, announcements);
  return announcements.map(({ message }) => message.data as BingoAchievedPayload);
}

/** The newest version of a participant's card, or null before their first mark. */
export function getLatestCard(participantId: string): Promise<BingoCardDoc | null> {
  return BingoCard.findOne({ participantId }).sort({ version: -1 }).lean<BingoCardDoc>().exec();
}

export interface BingoView {
  bingo: SerializedBingo;
  /** Present when the token belongs to a participant of the event. */
  card?: SerializedCard;
}

/** GET …/bingo: the grid for anyone; the caller's card too when they are a participant. */
export async function getBingo(eventId: string, claims: TokenClaims | null): Promise<BingoView> {
  const event = await Event.findById(eventId, { bingo: 1 }).lean<EventDoc>();
  if (!event) throw eventNotFound();
  const bingo = serializeBingo(event.bingo);
  const caller = claims ? await findParticipantByUser(event._id, claims.userId) : null;
  if (!caller) return { bingo };
  return { bingo, card: serializeCard(event.bingo.size, await getLatestCard(caller._id.toHexString())) };
}
