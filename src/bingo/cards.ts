import { Types } from "mongoose";
import type { TokenClaims } from "../auth/tokens";
import { ApiError, busyError, type ErrorIssue, isDuplicateKeyError } from "../errors";
import { eventNotFound } from "../events/event-store";
import { findParticipantByUser } from "../events/join-event";
import { BingoCard, type BingoCardDoc, type BingoMark } from "../models/bingo-card";
import { Event, type EventDoc } from "../models/event";
import { Participant, type ParticipantEntry } from "../models/participant";
import { ParticipantConnection, type ParticipantConnectionDoc } from "../models/participant-connection";
import { announce, bingoAchieved, leaderboardUpdated } from "../realtime/activity";
import type { RecordBingoSquareInput } from "../schemas/bingo";
import type { BingoAchievedPayload } from "../schemas/realtime";
import { newAchievements } from "./achievements";
import { getLeaderboardEntry } from "./leaderboard";
import { completedLines, isCardComplete } from "./lines";
import { type SerializedBingo, type SerializedCard, serializeBingo, serializeCard } from "./serialize";

export interface RecordSquareResult {
  card: SerializedCard;
  /** What this request newly achieved, each one published once as `bingo-achieved`. */
  achievements: BingoAchievedPayload[];
}

/**
 * POST …/bingo: the caller met `participantId` and says they fit square (row, col). Reads the
 * event (state, grid) and the caller and the other person in one query ((eventId, userId) and _id
 * indexes), then fills the square through `fillSquare`, which records the meeting as a connection
 * too (an existing connection of the pair is fine: a repeated mark is a harmless 200).
 */
export async function recordBingoSquare(
  eventId: string,
  claims: TokenClaims,
  input: RecordBingoSquareInput,
): Promise<RecordSquareResult> {
  const event = await getActiveEventForBingo(eventId);
  const people = await Participant.find(
    { eventId: event._id, $or: [{ userId: claims.userId }, { _id: input.participantId }] },
    { _id: 1, userId: 1, name: 1 },
  ).lean<ParticipantEntry[]>();
  const caller = people.find((entry) => entry.userId.equals(claims.userId));
  if (!caller) throw new ApiError("forbidden", "Only a participant of this event can record bingo squares.");
  const size = event.bingo.size;
  const other = checkMark(size, people, caller, input);
  const square = input.row * size + input.col;
  const question = event.bingo.grid[square]?.question ?? "";
  const filled = await fillSquare(event, caller, other, square, { description: question, refuseRepeat: false });
  return { card: filled.card, achievements: filled.achievements };
}

/** The event of a bingo mark or a connection: it must exist and be active. */
export async function getActiveEventForBingo(eventId: string): Promise<EventDoc> {
  const event = await Event.findById(eventId, { currentState: 1, bingo: 1, resendDueAt: 1 }).lean<EventDoc>();
  if (!event) throw eventNotFound();
  if (event.currentState !== "active") {
    throw new ApiError(
      "event_not_active",
      `Bingo squares and connections can only be recorded while the event is active; it is ${event.currentState}.`,
    );
  }
  return event;
}

export interface FillSquareOptions {
  /** The connection's description: the square's question for a mark, the client's words otherwise. */
  description: string;
  /** POST /participantConnections: a pair already connected (or already on the card) is a 409. */
  refuseRepeat: boolean;
}

export interface FilledSquare extends RecordSquareResult {
  /** The pair's connection: the one this request inserted, or the one that already existed. */
  connection: ParticipantConnectionDoc;
}

/**
 * The bingo referee: `caller` met `other`, who fits `square`. In this order:
 * (1) read the newest version of the caller's card and check the square is free and `other`
 * fills no other square (the same mark again is answered as it stands);
 * (2) insert the pair's connection (a clash on the unique pair index means it exists: fine for a
 * mark, 409 `already_connected` when `refuseRepeat`);
 * (3) one `$inc` on the event reserves the seqs of this version's `leaderboard-updated` and of
 * each line or full card it achieves;
 * (4) insert the next card version holding them; the unique (participantId, version) index lets
 * only one of two racing requests append it, the loser counts its seqs as gaps and starts over
 * at (1) (a connection it inserted is deleted again if the re-check then refuses the mark);
 * (5) publish the achievements and the caller's leaderboard entry, then log them.
 * A crash after (2) leaves a connection without its square, which is a meeting recorded; the
 * phone's retry finds the connection and goes on. After (4) the cron rebuilds the log entries.
 */
export async function fillSquare(
  event: EventDoc,
  caller: ParticipantEntry,
  other: ParticipantEntry,
  square: number,
  options: FillSquareOptions,
): Promise<FilledSquare> {
  const size = event.bingo.size;
  const mark: BingoMark = { square, participantId: other._id, name: other.name, at: new Date() };
  let connection: { doc: ParticipantConnectionDoc; inserted: boolean } | null = null;
  const refuse = async (error: ApiError): Promise<never> => {
    if (connection?.inserted) await ParticipantConnection.deleteOne({ _id: connection.doc._id });
    throw error;
  };

  // Each lost race means another mark was appended, and a card holds at most size² marks, so
  // this loop ends: at the latest the square is taken.
  for (let attempt = 0; attempt <= size * size; attempt++) {
    const latest = await getLatestCard(caller._id.toHexString());
    const marks = latest?.marks ?? [];
    if (marks.some((m) => m.square === mark.square && m.participantId.equals(mark.participantId))) {
      // Already on the card, so the pair's connection exists: one this request inserted (a racing
      // request filled the square meanwhile) or an earlier one.
      connection ??= { doc: await findConnectionOrThrow(event._id, caller._id, other._id), inserted: false };
      if (options.refuseRepeat && !connection.inserted) throw alreadyConnected(other.name);
      return { card: serializeCard(size, latest), achievements: [], connection: connection.doc };
    }
    if (marks.some((m) => m.square === mark.square))
      await refuse(new ApiError("square_taken", "That square is already filled on your card."));
    if (marks.some((m) => m.participantId.equals(mark.participantId))) {
      await refuse(new ApiError("participant_already_used", `${mark.name} already fills another square on your card.`));
    }
    connection ??= await insertConnection(event._id, caller, other, options.description, square, null, options);

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
      leaderboardSeq: null,
    };
    const won = newAchievements(latest, next);
    const types = [...won.lines.map(() => "line" as const), ...(won.completed ? ["card" as const] : [])];
    const reserved = await reserveSeqs(event._id.toHexString(), 1 + types.length);
    // In publish order: the achievements, then the row they changed.
    next.achieved = types.map((achievementType, i) => ({ seq: reserved.firstSeq + i, achievementType }));
    next.leaderboardSeq = reserved.firstSeq + types.length;
    try {
      await BingoCard.create(next);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      await Event.updateOne({ _id: event._id }, { $inc: { seqGaps: 1 + types.length } });
      continue;
    }
    const entry = await getLeaderboardEntry(caller, event._id, next);
    const announcements = [
      ...next.achieved.map(({ seq, achievementType }) => bingoAchieved(next, seq, achievementType)),
      leaderboardUpdated(entry, next.leaderboardSeq, next.lastMarkAt),
    ];
    await announce(reserved.event, announcements);
    return {
      card: serializeCard(size, next),
      achievements: announcements
        .filter((a) => a.message.name === "bingo-achieved")
        .map(({ message }) => message.data as BingoAchievedPayload),
      connection: connection.doc,
    };
  }
  throw busyError("Your card is busy; please try again.");
}

/**
 * Inserts the pair's connection. A clash on the unique pair index means it exists: a 409 when
 * the caller asked to record a new meeting, else the existing one (read back).
 */
export async function insertConnection(
  eventId: Types.ObjectId,
  primary: ParticipantEntry,
  secondary: ParticipantEntry,
  description: string,
  square: number | null,
  seq: number | null,
  { refuseRepeat }: Pick<FillSquareOptions, "refuseRepeat">,
): Promise<{ doc: ParticipantConnectionDoc; inserted: boolean }> {
  const doc: ParticipantConnectionDoc = {
    _id: new Types.ObjectId(),
    eventId,
    primaryParticipantId: primary._id,
    secondaryParticipantId: secondary._id,
    secondaryUserId: secondary.userId,
    secondaryName: secondary.name,
    description,
    square,
    seq,
    at: new Date(),
  };
  try {
    await ParticipantConnection.create(doc);
    return { doc, inserted: true };
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    if (refuseRepeat) throw alreadyConnected(secondary.name);
    return { doc: await findConnectionOrThrow(eventId, primary._id, secondary._id), inserted: false };
  }
}

async function findConnectionOrThrow(
  eventId: Types.ObjectId,
  primaryParticipantId: Types.ObjectId,
  secondaryParticipantId: Types.ObjectId,
): Promise<ParticipantConnectionDoc> {
  const found = await ParticipantConnection.findOne({
    eventId,
    primaryParticipantId,
    secondaryParticipantId,
  }).lean<ParticipantConnectionDoc>();
  // Deleted meanwhile by a racing fill that was refused: the caller retries.
  if (!found) throw busyError("Your card is busy; please try again.");
  return found;
}

export function alreadyConnected(name: string): ApiError {
  return new ApiError("already_connected", `You already recorded meeting ${name} in this event.`);
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
