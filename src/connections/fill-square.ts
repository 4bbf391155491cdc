import type { Types } from "mongoose";
import { appendCardVersion, getLatestCard } from "../bingo/cards";
import { getLeaderboardEntry } from "../bingo/leaderboard";
import { achievementTypes, refereeMark } from "../bingo/referee";
import { type SerializedCard, serializeCard } from "../bingo/serialize";
import { ApiError, busyError, eventNotFound } from "../errors";
import type { BingoCardDoc, BingoMark } from "../models/bingo-card";
import type { EventDoc } from "../models/event";
import type { ParticipantEntry, ParticipantWithPhoto } from "../models/participant";
import type { ParticipantConnectionDoc } from "../models/participant-connection";
import { bingoAchieved, leaderboardUpdated } from "../realtime/messages";
import { announce } from "../realtime/outbox";
import { recordSeqGapsInFlight, releaseSeqs, reserveSeqs, type SeqReservation } from "../realtime/sequence";
import type { BingoAchievedPayload } from "../schemas/realtime";
import {
  deleteConnection,
  findConnectionOrThrow,
  insertConnection,
  ownConnectionOrAlreadyConnected,
} from "./connection-store";

// Filling a square is recording a meeting too (the pair's connection), so it lives here, above
// bingo/ (the referee, card storage) and beside connection storage. Who may ask for a mark is
// checked before, by the request that asks (record-square.ts, record-connection.ts, meetings.ts).

export interface RecordSquareResult {
  card: SerializedCard;
  /** What this request newly achieved, each one published once as `bingo-achieved`. */
  achievements: BingoAchievedPayload[];
}

export interface FilledSquare extends RecordSquareResult {
  /** The pair's connection: the one this request inserted, or the one that already existed. */
  connection: ParticipantConnectionDoc;
}

/** What a fill does when the pair's connection existed before this request. */
type OnExistingPair = (
  event: EventDoc,
  caller: ParticipantEntry,
  other: ParticipantEntry,
) => Promise<ParticipantConnectionDoc>;

/**
 * A bingo mark: an existing connection of the pair is fine, and a repeated mark a harmless 200.
 * `held`: a seq the request reserved already (with its read of the event), used first.
 */
export function markSquare(
  event: EventDoc,
  caller: ParticipantWithPhoto,
  other: ParticipantEntry,
  square: number,
  description: string,
  held?: SeqReservation,
): Promise<FilledSquare> {
  return fillSquare(
    event,
    caller,
    other,
    square,
    description,
    (e, c, o) => findConnectionOrThrow(e._id, c._id, o._id),
    undefined,
    held,
  );
}

/**
 * POST /participantConnections naming a square: a pair already connected is a 409, unless this
 * request's earlier attempt stored it under `connectionId` (its Idempotency-Key's reserved id).
 */
export function connectAndMark(
  event: EventDoc,
  caller: ParticipantWithPhoto,
  other: ParticipantEntry,
  square: number,
  description: string,
  connectionId: Types.ObjectId,
  held?: SeqReservation,
): Promise<FilledSquare> {
  return fillSquare(
    event,
    caller,
    other,
    square,
    description,
    (e, c, o) => ownConnectionOrAlreadyConnected(e._id, c, o, connectionId),
    connectionId,
    held,
  );
}

/**
 * `caller` met `other`, who fits `square`. In this order:
 * (1) read the newest version of the caller's card and ask the referee (the same mark again is
 * answered as the card stands; a square taken or a person already used is refused);
 * (2) insert the pair's connection (a clash on the unique pair index means it exists: onExisting);
 * (3) the seqs of this version's `leaderboard-updated` and of each line or full card it achieves:
 * the `held` one (reserved with the event) and, when it needs more, one `$inc` on the event
 * reserving the rest;
 * (4) append the next card version holding them; the unique (participantId, version) index lets
 * only one of two racing requests append it, the loser keeps its seqs (nothing holds them) and
 * starts over at (1) (a connection it inserted is deleted again if the re-check then refuses the
 * mark); seqs it holds and no longer needs are counted as gaps, and all of them when it is refused;
 * (5) publish the achievements and the caller's leaderboard entry, then log them.
 * A crash after (2) leaves a connection without its square, which is a meeting recorded; the
 * phone's retry finds the connection and goes on. After (4) the cron rebuilds the log entries.
 */
async function fillSquare(
  event: EventDoc,
  caller: ParticipantWithPhoto,
  other: ParticipantEntry,
  square: number,
  description: string,
  onExisting: OnExistingPair,
  connectionId?: Types.ObjectId,
  held?: SeqReservation,
): Promise<FilledSquare> {
  const size = event.bingo.size;
  const mark: BingoMark = { square, participantId: other._id, name: other.name, at: new Date() };
  // The pair's connection once (2) has run: kept across passes, as a lost race changes the card only.
  let pair: { doc: ParticipantConnectionDoc; inserted: boolean } | null = null;
  // The seqs this request reserved and no card version holds yet, ascending; the event as the
  // last reservation left it (announce reads its resend state). The write is in flight from the
  // first reservation until announce ends it, or recordSeqGaps on a refusal.
  const seqs = held ? [held.firstSeq] : [];
  let reservedEvent = held?.event ?? null;

  // Each lost race means another mark was appended, and a card holds at most size² marks, so
  // this loop ends: at the latest the square is taken.
  for (let attempt = 0; attempt <= size * size; attempt++) {
    const latest = await getLatestCard(caller._id.toHexString());
    const ruling = refereeMark(latest, size, mark);
    if (ruling.kind === "unchanged") {
      await releaseSeqs(event._id, seqs);
      // Already on the card, so the pair's connection exists: one this request inserted (a racing
      // request filled the square meanwhile) or an earlier one.
      const connection = pair?.doc ?? (await onExisting(event, caller, other));
      return { card: serializeCard(size, latest), achievements: [], connection };
    }
    if (ruling.kind === "refused") {
      await releaseSeqs(event._id, seqs);
      if (pair?.inserted) await deleteConnection(pair.doc._id);
      throw refusal(ruling.reason, mark.name);
    }
    if (!pair) {
      let inserted: ParticipantConnectionDoc | null;
      try {
        inserted = await insertConnection({
          eventId: event._id,
          primary: caller,
          secondary: other,
          description,
          square,
          seq: null,
          _id: connectionId,
        });
        pair = inserted
          ? { doc: inserted, inserted: true }
          : { doc: await onExisting(event, caller, other), inserted: false };
      } catch (error) {
        // onExisting's 409 (already connected): the seqs held announce nothing.
        if (error instanceof ApiError) await releaseSeqs(event._id, seqs);
        throw error;
      }
    }

    const types = achievementTypes(ruling.achieved);
    const needed = 1 + types.length;
    if (seqs.length < needed) {
      const more = needed - seqs.length;
      // The write is counted in flight once, by its first reservation.
      const reserved = await reserveSeqs(event._id, more, { audit: seqs.length === 0 });
      if (!reserved) throw eventNotFound();
      reservedEvent = reserved.event;
      for (let i = 0; i < more; i++) seqs.push(reserved.firstSeq + i);
    }
    const used = seqs.slice(0, needed);
    const leaderboardSeq = used[types.length] as number;
    const next: Omit<BingoCardDoc, "_id"> = {
      participantId: caller._id,
      version: (latest?.version ?? 0) + 1,
      eventId: event._id,
      userId: caller.userId,
      name: caller.name,
      ...ruling.card,
      marks: [...ruling.card.marks],
      lines: [...ruling.card.lines],
      lastMarkAt: mark.at,
      // In publish order: the achievements, then the row they changed.
      achieved: types.map((achievementType, i) => ({ seq: used[i] as number, achievementType })),
      leaderboardSeq,
    };
    if (!(await appendCardVersion(next))) continue;
    // Held from a pass that needed more (a lost race then fewer achievements): never logged.
    const surplus = seqs.length - needed;
    if (surplus > 0) await recordSeqGapsInFlight(event._id, surplus);
    const entry = await getLeaderboardEntry(caller, event._id, next, event.meetingProof === "scan");
    const achiever = { participantId: caller._id.toHexString(), participantName: caller.name, lastMarkAt: mark.at };
    const achievements = next.achieved.map(({ seq, achievementType }) => bingoAchieved(achiever, seq, achievementType));
    await announce(reservedEvent ?? event, [...achievements, leaderboardUpdated(entry, leaderboardSeq, mark.at)]);
    return {
      card: serializeCard(size, next),
      achievements: achievements.map(({ message }) => message.data as BingoAchievedPayload),
      connection: pair.doc,
    };
  }
  await releaseSeqs(event._id, seqs);
  throw busyError("Your card is busy; please try again.");
}

function refusal(reason: "square_taken" | "participant_already_used", name: string): ApiError {
  return reason === "square_taken"
    ? new ApiError("square_taken", "That square is already filled on your card.")
    : new ApiError("participant_already_used", `${name} already fills another square on your card.`);
}
