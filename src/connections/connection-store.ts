import { Types } from "mongoose";
import { ApiError, busyError, isDuplicateKeyError } from "../errors";
import type { ParticipantEntry } from "../models/participant";
import { ParticipantConnection, type ParticipantConnectionDoc } from "../models/participant-connection";

// Connection storage: one document per pair met (primary → secondary); the unique pair index
// makes a second insert of a pair a duplicate, which is how a repeat is recognised.

export interface NewConnection {
  eventId: Types.ObjectId;
  primary: ParticipantEntry;
  secondary: ParticipantEntry;
  description: string;
  /** The square this meeting filled, or null. */
  square: number | null;
  /** The seq of the `leaderboard-updated` a meeting only announces, or null. */
  seq: number | null;
  /** Its id: the one reserved with the request's Idempotency-Key, or a fresh one. */
  _id?: Types.ObjectId;
}

/** Inserts the pair's connection; null when the pair has one already (the unique pair index). */
export async function insertConnection(connection: NewConnection): Promise<ParticipantConnectionDoc | null> {
  const { eventId, primary, secondary, description, square, seq } = connection;
  const doc: ParticipantConnectionDoc = {
    _id: connection._id ?? new Types.ObjectId(),
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
    return doc;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    return null;
  }
}

/** The pair's connection; a 503 `busy` when it is gone (deleted by a racing refused fill). */
export async function findConnectionOrThrow(
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

export interface VerifiedDirection {
  eventId: Types.ObjectId;
  primary: ParticipantEntry;
  secondary: ParticipantEntry;
  at: Date;
  /** The seq of the meeting's `meeting-verified`, stored on the direction that decides it. */
  meetingSeq: number | null;
}

/** What a scanned meeting names as its connection's description when it creates one. */
export const SCANNED_MEETING_DESCRIPTION = "Met by scanning their meeting code";

/**
 * Marks the pair's connection (primary → secondary) verified, creating it when there is none, in
 * one upsert conditional on `verified` not being true yet. True when this call verified it; false
 * when it already was (the upsert's insert then clashes on the unique pair index). An insert that
 * clashes with a racing unverified insert of the same pair (a claim) updates that one instead.
 */
export async function verifyConnection(direction: VerifiedDirection): Promise<boolean> {
  const { eventId, primary, secondary, at, meetingSeq } = direction;
  const filter = {
    eventId,
    primaryParticipantId: primary._id,
    secondaryParticipantId: secondary._id,
    verified: { $ne: true },
  };
  const update = {
    $set: { verified: true, verifiedAt: at, meetingSeq },
    $setOnInsert: {
      secondaryUserId: secondary.userId,
      secondaryName: secondary.name,
      description: SCANNED_MEETING_DESCRIPTION,
      square: null,
      seq: null,
      at,
    },
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const result = await ParticipantConnection.updateOne(filter, update, { upsert: attempt === 0 });
      if (result.matchedCount + result.upsertedCount > 0) return true;
      return false;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      // Verified already, or inserted unverified meanwhile: the plain update below tells which.
    }
  }
  return false;
}

/** Whether `primary` and `secondary` have a verified meeting (one indexed read). */
export async function hasVerifiedMeeting(
  eventId: Types.ObjectId,
  primaryParticipantId: Types.ObjectId,
  secondaryParticipantId: Types.ObjectId,
): Promise<boolean> {
  const found = await ParticipantConnection.exists({
    eventId,
    primaryParticipantId,
    secondaryParticipantId,
    verified: true,
  });
  return found !== null;
}

export async function deleteConnection(connectionId: Types.ObjectId): Promise<void> {
  await ParticipantConnection.deleteOne({ _id: connectionId });
}

export function alreadyConnected(name: string): ApiError {
  return new ApiError("already_connected", `You already recorded meeting ${name} in this event.`);
}

/**
 * The pair's existing connection when this request's own earlier attempt stored it (its id is
 * `ownId`, reserved with the Idempotency-Key): a retry finds it. Anything else is a 409.
 */
export async function ownConnectionOrAlreadyConnected(
  eventId: Types.ObjectId,
  primary: ParticipantEntry,
  secondary: ParticipantEntry,
  ownId: Types.ObjectId,
): Promise<ParticipantConnectionDoc> {
  const existing = await findConnectionOrThrow(eventId, primary._id, secondary._id);
  if (existing._id.equals(ownId)) return existing;
  throw alreadyConnected(secondary.name);
}
