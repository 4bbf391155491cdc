import type { TokenClaims } from "../auth/tokens";
import { eventNotFound } from "../events/event-store";
import { ApiError, type ErrorIssue, isDuplicateKeyError } from "../http/errors";
import { Event, type EventDoc, type ParticipantEntry } from "../models/event";
import { type BingoMark, Participant, type ParticipantDoc } from "../models/participant";
import { activityEntry, deliverActivity } from "../realtime/activity";
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
 * POST …/bingo: the caller met `participantId` and says they fit square (row, col). Three round
 * trips: read the event for the checks, read the newest version of the caller's card, insert the
 * next version with the mark added. The unique (participantId, version) index lets only one of two
 * racing requests append a given version; the other reads again and re-checks. Whoever appends a
 * version records and publishes what that version newly achieved, so each line and the full card
 * are announced exactly once, whatever the order of concurrent marks and retries. (A function that
 * dies between the card insert and the activity record loses that announcement, not the score.)
 */
export async function recordBingoSquare(
  eventId: string,
  claims: TokenClaims,
  input: RecordBingoSquareInput,
): Promise<RecordSquareResult> {
  const event = await Event.findById(eventId, { currentState: 1, participants: 1, "bingo.size": 1 }).lean<EventDoc>();
  if (!event) throw eventNotFound();
  if (event.currentState !== "active") {
    throw new ApiError(
      "event_not_active",
      `Bingo squares can only be recorded while the event is active; it is ${event.currentState}.`,
    );
  }
  const caller = findParticipantByUser(event, claims.userId);
  if (!caller) throw new ApiError("forbidden", "Only a participant of this event can record bingo squares.");
  const size = event.bingo.size;
  const other = checkMark(event, caller, input);
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
    const next: Omit<ParticipantDoc, "_id"> = {
      participantId: caller._id,
      version: (latest?.version ?? 0) + 1,
      eventId: event._id,
      userId: caller.userId,
      name: caller.name,
      marks: [...marks, mark],
      lines: completedLines(size, squares),
      completed: isCardComplete(size, squares),
      lastMarkAt: mark.at,
    };
    try {
      await Participant.create(next);
    } catch (error) {
      if (isDuplicateKeyError(error)) continue;
      throw error;
    }
    const achievements = await announceAchievements(eventId, caller, latest, next);
    return { card: serializeCard(size, next), achievements };
  }
  throw new ApiError("conflict", "Your card is busy; please try again.");
}

/** The other participant, after every check that needs only the event; all problems reported together. */
function checkMark(event: EventDoc, caller: ParticipantEntry, input: RecordBingoSquareInput): ParticipantEntry {
  const issues: ErrorIssue[] = [];
  const size = event.bingo.size;
  if (input.row >= size)
    issues.push({ path: "row", message: `must be less than ${size} on this ${size}×${size} grid` });
  if (input.col >= size)
    issues.push({ path: "col", message: `must be less than ${size} on this ${size}×${size} grid` });
  const other = event.participants.find((entry) => entry._id.equals(input.participantId));
  if (!other) issues.push({ path: "participantId", message: "is not a participant of this event" });
  else if (other._id.equals(caller._id))
    issues.push({ path: "participantId", message: "is you: find someone else for this square" });
  if (issues.length > 0 || !other) throw new ApiError("invalid_input", "The request is not valid.", issues);
  return other;
}

/**
 * Records what the new version achieved over the one before in the event's activity log, then
 * publishes it (two more round trips, only when something was achieved).
 */
async function announceAchievements(
  eventId: string,
  caller: ParticipantEntry,
  before: Pick<ParticipantDoc, "lines" | "completed"> | null,
  after: Pick<ParticipantDoc, "lines" | "completed">,
): Promise<BingoAchievedPayload[]> {
  const won = newAchievements(before, after);
  const achievements: BingoAchievedPayload[] = [
    ...won.lines.map(() => "line" as const),
    ...(won.completed ? ["card" as const] : []),
  ].map((achievementType) => ({
    participantId: caller._id.toHexString(),
    participantName: caller.name,
    achievementType,
  }));
  if (achievements.length === 0) return achievements;
  const entries = achievements.map((data) => activityEntry({ name: "bingo-achieved", data }));
  const event = await Event.findOneAndUpdate(
    { _id: eventId },
    { $push: { activity: { $each: entries } } },
    { returnDocument: "after" },
  ).lean<EventDoc>();
  if (event) await deliverActivity(event, entries.length);
  return achievements;
}

/** The newest version of a participant's card, or null before their first mark. */
export function getLatestCard(participantId: string): Promise<ParticipantDoc | null> {
  return Participant.findOne({ participantId }).sort({ version: -1 }).lean<ParticipantDoc>().exec();
}

export interface BingoView {
  bingo: SerializedBingo;
  /** Present when the token belongs to a participant of the event. */
  card?: SerializedCard;
}

/** GET …/bingo: the grid for anyone; the caller's card too when they are a participant. */
export async function getBingo(eventId: string, claims: TokenClaims | null): Promise<BingoView> {
  const event = await Event.findById(eventId, { participants: 1, bingo: 1 }).lean<EventDoc>();
  if (!event) throw eventNotFound();
  const bingo = serializeBingo(event.bingo);
  const caller = claims ? findParticipantByUser(event, claims.userId) : undefined;
  if (!caller) return { bingo };
  return { bingo, card: serializeCard(event.bingo.size, await getLatestCard(caller._id.toHexString())) };
}

function findParticipantByUser(event: EventDoc, userId: string): ParticipantEntry | undefined {
  return event.participants.find((entry) => entry.userId.equals(userId));
}
