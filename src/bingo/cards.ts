import type { TokenClaims } from "../auth/tokens";
import { ApiError, eventNotFound, isDuplicateKeyError } from "../errors";
import { findParticipantByUser } from "../events/join-event";
import { BingoCard, type BingoCardDoc } from "../models/bingo-card";
import { Event, type EventDoc } from "../models/event";
import { type SerializedBingo, type SerializedCard, serializeBingo, serializeCard } from "./serialize";

// Card storage: a participant's card is a series of versions, one per mark; the newest is the
// card. The unique (participantId, version) index decides which of two racing marks is appended.

/** The newest version of a participant's card, or null before their first mark. */
export function getLatestCard(participantId: string): Promise<BingoCardDoc | null> {
  return BingoCard.findOne({ participantId }).sort({ version: -1 }).lean<BingoCardDoc>().exec();
}

/**
 * Appends the next version of a card. False when another version with that number was appended
 * first (a racing mark won): the caller reads the card again.
 */
export async function appendCardVersion(next: Omit<BingoCardDoc, "_id">): Promise<boolean> {
  try {
    await BingoCard.create(next);
    return true;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    return false;
  }
}

/** The event of a bingo mark or a connection: it must exist and be active. */
export async function getActiveEventForBingo(eventId: string): Promise<EventDoc> {
  const event = await Event.findById(eventId, {
    currentState: 1,
    bingo: 1,
    resendDueAt: 1,
    meetingProof: 1,
    hasBans: 1,
  }).lean<EventDoc>();
  if (!event) throw eventNotFound();
  if (event.currentState !== "active") {
    throw new ApiError(
      "event_not_active",
      `Bingo squares and connections can only be recorded while the event is active; it is ${event.currentState}.`,
    );
  }
  return event;
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
