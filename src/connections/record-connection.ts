import type { Types } from "mongoose";
import type { TokenClaims } from "../auth/tokens";
import { getLeaderboardEntry } from "../bingo/leaderboard";
import { ApiError, type ErrorIssue } from "../errors";
import type { EventDoc } from "../models/event";
import { Participant, type ParticipantWithPhoto } from "../models/participant";
import type { ParticipantConnectionDoc } from "../models/participant-connection";
import { leaderboardUpdated } from "../realtime/messages";
import { announce } from "../realtime/outbox";
import { releaseSeqs, reservedSeqs } from "../realtime/sequence";
import type { CreateParticipantConnectionInput } from "../schemas/connection";
import { insertConnection, ownConnectionOrAlreadyConnected } from "./connection-store";
import { connectAndMark, markSquare, type RecordSquareResult } from "./fill-square";
import { requireVerifiedMeetingInScanMode } from "./record-square";
import { givingBackOnRefusal, reserveWithActiveEvent } from "./reservation";

export interface SerializedConnection {
  _id: string;
  _eventId: string;
  primaryParticipantId: string;
  secondaryParticipantId: string;
  description: string;
  /** The bingo square this meeting filled, or null for a meeting only. */
  square: { row: number; col: number } | null;
  /** True once one of the two scanned the other's meeting code. */
  verified: boolean;
  createdAt: string;
}

export interface RecordedConnection {
  connection: SerializedConnection;
  /** The caller's card and what it achieved, when the description named a square. */
  bingo: RecordSquareResult | null;
}

/**
 * POST /api/participantConnections: the caller (the primary participant's user) met the secondary
 * participant. When `description` is a square's question or shortQuestion, the meeting also fills
 * that square (the first such, row-major) on the caller's card (connectAndMark: the bingo
 * referee's rules and achievements); otherwise it records the meeting only. (1) One
 * `findAndModify` reads the event (active, grid) and reserves the seq of the caller's
 * `leaderboard-updated`; (2) both participants in one query (a refusal gives the seq back as a
 * gap); (3) insert the connection holding it: the unique pair index makes a repeat a 409 (its seq
 * becomes a gap); (4) publish the caller's entry, then log it. A square's mark uses the seq first.
 */
export async function recordParticipantConnection(
  claims: TokenClaims,
  input: CreateParticipantConnectionInput,
  connectionId: Types.ObjectId,
): Promise<RecordedConnection> {
  // The seq of the caller's leaderboard-updated, reserved with the read of the event: the
  // connection holds it, or the square's mark does.
  const reserved = await reserveWithActiveEvent(input._eventId, 1);
  const { event } = reserved;
  const size = event.bingo.size;
  const { primary, secondary, square } = await givingBackOnRefusal(reserved, async () => {
    const people = await Participant.find(
      { eventId: event._id, _id: { $in: [input.primaryParticipantId, input.secondaryParticipantId] } },
      { _id: 1, userId: 1, name: 1, photo: 1 },
    ).lean<ParticipantWithPhoto[]>();
    const pair = checkPair(people, claims, input);
    const square = matchingSquare(event, input.description);
    // In "scan" mode the pair's connection exists already (the verified meeting): the mark fills.
    if (square !== null) await requireVerifiedMeetingInScanMode(event, pair.primary, pair.secondary);
    return { ...pair, square };
  });

  if (square !== null) {
    const filled =
      event.meetingProof === "scan"
        ? await markSquare(event, primary, secondary, square, input.description, reserved)
        : await connectAndMark(event, primary, secondary, square, input.description, connectionId, reserved);
    return {
      connection: serializeConnection(filled.connection, size),
      bingo: { card: filled.card, achievements: filled.achievements },
    };
  }

  const seq = reserved.firstSeq;
  const connection = await insertConnection({
    eventId: event._id,
    primary,
    secondary,
    description: input.description,
    square: null,
    seq,
    _id: connectionId,
  });
  if (!connection) {
    // The seq was reserved for a connection that is not stored: it announces nothing.
    await releaseSeqs(event._id, reservedSeqs(reserved));
    // A retry of this request whose first attempt stored it (and announced it, or died first)
    // gets it back; anyone else's repeat is a 409.
    const own = await ownConnectionOrAlreadyConnected(event._id, primary, secondary, connectionId);
    return { connection: serializeConnection(own, size), bingo: null };
  }
  const entry = await getLeaderboardEntry(primary, event._id, undefined, event.meetingProof === "scan");
  await announce(reserved.event, [leaderboardUpdated(entry, seq, connection.at)]);
  return { connection: serializeConnection(connection, size), bingo: null };
}

/** Both people of the meeting, after every check; the caller must be the primary participant. */
function checkPair(
  people: readonly ParticipantWithPhoto[],
  claims: TokenClaims,
  input: CreateParticipantConnectionInput,
): { primary: ParticipantWithPhoto; secondary: ParticipantWithPhoto } {
  const primary = people.find((entry) => entry._id.equals(input.primaryParticipantId));
  if (primary && !primary.userId.equals(claims.userId)) {
    throw new ApiError("forbidden", "You can only record meetings for your own participant.");
  }
  const issues: ErrorIssue[] = [];
  if (!primary) issues.push({ path: "primaryParticipantId", message: "is not a participant of this event" });
  const secondary = people.find((entry) => entry._id.equals(input.secondaryParticipantId));
  if (input.primaryParticipantId === input.secondaryParticipantId) {
    issues.push({ path: "secondaryParticipantId", message: "is you: record someone else you met" });
  } else if (!secondary) {
    issues.push({ path: "secondaryParticipantId", message: "is not a participant of this event" });
  }
  if (issues.length > 0 || !primary || !secondary)
    throw new ApiError("invalid_input", "The request is not valid.", issues);
  return { primary, secondary };
}

/** The first square (row-major) whose question or shortQuestion is the description, or null. */
export function matchingSquare(event: Pick<EventDoc, "bingo">, description: string): number | null {
  const index = event.bingo.grid.findIndex(
    (square) => square.question === description || square.shortQuestion === description,
  );
  return index === -1 ? null : index;
}

export function serializeConnection(connection: ParticipantConnectionDoc, size: number): SerializedConnection {
  return {
    _id: connection._id.toHexString(),
    _eventId: connection.eventId.toHexString(),
    primaryParticipantId: connection.primaryParticipantId.toHexString(),
    secondaryParticipantId: connection.secondaryParticipantId.toHexString(),
    description: connection.description,
    square:
      // A connection a scan created has no `square` field (an upsert stores no nulls on FerretDB).
      connection.square == null ? null : { row: Math.floor(connection.square / size), col: connection.square % size },
    verified: connection.verified ?? false,
    createdAt: new Date(connection.at).toISOString(),
  };
}
