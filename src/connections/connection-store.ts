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
