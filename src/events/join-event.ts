import mongoose from "mongoose";
import type { TokenClaims } from "../auth/tokens";
import { ApiError } from "../http/errors";
import { Event, type EventDoc, type ParticipantEntry } from "../models/event";
import { publishParticipantJoined } from "../realtime/pusher";
import { nameKey } from "../schemas/common";
import type { JoinEventGuestInput } from "../schemas/join";
import { createGuestUser, deleteGuestUser, getUserOrThrow } from "../users/accounts";
import { eventNotFound } from "./event-store";

const MAX_NAME_LENGTH = 50;
const JOIN_ATTEMPTS = 8;

export interface JoinResult {
  participant: ParticipantEntry;
  /** False when this user had already joined: nothing was written. */
  created: boolean;
}

/**
 * Adds a user to an event. One conditional update takes a seat, checks the event is open, that
 * the user is not in it yet and that the name is free; only when it matches nothing is the event
 * read, to tell why (and to pick the next free name suffix before trying again).
 */
export async function joinEvent(
  eventId: string,
  userId: mongoose.Types.ObjectId,
  requestedName: string,
): Promise<JoinResult> {
  let name = requestedName;
  for (let attempt = 0; attempt < JOIN_ATTEMPTS; attempt++) {
    const participant: ParticipantEntry = { _id: new mongoose.Types.ObjectId(), userId, name };
    const key = nameKey(name);
    const { modifiedCount } = await Event.updateOne(
      {
        _id: eventId,
        currentState: { $ne: "ended" },
        openSeats: { $gt: 0 },
        "participants.userId": { $ne: userId },
        nameKeys: { $ne: key },
      },
      { $push: { participants: participant, nameKeys: key }, $inc: { openSeats: -1, participantCount: 1 } },
    );
    if (modifiedCount === 1) return { participant, created: true };

    const event = await Event.findById(eventId).lean<EventDoc>();
    if (!event) throw eventNotFound();
    const existing = event.participants.find((entry) => entry.userId.equals(userId));
    if (existing) return { participant: existing, created: false };
    if (event.currentState === "ended") throw new ApiError("event_ended", "This event has ended.");
    if (event.openSeats <= 0) throw new ApiError("event_full", "This event is full.");
    name = firstFreeName(requestedName, new Set(event.nameKeys));
  }
  // Only reachable when other joins keep taking the name picked: a busy event, so try again.
  throw new ApiError("conflict", "The event is busy; please try joining again.");
}

/** `name`, or `name (2)`, `name (3)`… the first one no one in the event has (ignoring case). */
export function firstFreeName(name: string, takenKeys: ReadonlySet<string>): string {
  if (!takenKeys.has(nameKey(name))) return name;
  for (let n = 2; ; n++) {
    const suffix = ` (${n})`;
    const base = [...name]
      .slice(0, MAX_NAME_LENGTH - suffix.length)
      .join("")
      .trimEnd();
    const candidate = `${base}${suffix}`;
    if (!takenKeys.has(nameKey(candidate))) return candidate;
  }
}

export interface JoinAsUserInput {
  name?: string;
  userId?: string;
}

/** POST …/join/user: the token's user joins, named as asked or by their account name. */
export async function joinEventAsUser(
  eventId: string,
  claims: TokenClaims,
  input: JoinAsUserInput,
): Promise<JoinResult> {
  if (input.userId && input.userId.toLowerCase() !== claims.userId) {
    throw new ApiError("forbidden", "You can only join as yourself.");
  }
  const name = input.name ?? (await getUserOrThrow(claims.userId)).name;
  const result = await joinEvent(eventId, new mongoose.Types.ObjectId(claims.userId), name);
  if (result.created) await announceParticipant(eventId, result.participant);
  return result;
}

export interface GuestJoinResult extends JoinResult {
  userId: string;
}

/**
 * POST …/join/guest: a guest token that is sent is reused (so a guest who already joined gets
 * their participant back); otherwise a new guest user is made, and removed again if the join is
 * refused, so a refused join leaves nothing behind.
 */
export async function joinEventAsGuest(
  eventId: string,
  claims: TokenClaims | null,
  input: JoinEventGuestInput,
): Promise<GuestJoinResult> {
  if (claims?.kind === "guest") {
    const result = await joinEvent(eventId, new mongoose.Types.ObjectId(claims.userId), input.name);
    if (result.created) await announceParticipant(eventId, result.participant);
    return { ...result, userId: claims.userId };
  }
  const guest = await createGuestUser(input);
  let result: JoinResult;
  try {
    result = await joinEvent(eventId, guest._id, input.name);
  } catch (error) {
    await deleteGuestUser(guest._id).catch(() => undefined);
    throw error;
  }
  await announceParticipant(eventId, result.participant);
  return { ...result, userId: guest._id.toHexString() };
}

function announceParticipant(eventId: string, participant: ParticipantEntry): Promise<boolean> {
  return publishParticipantJoined(eventId, { participantId: participant._id.toHexString(), name: participant.name });
}
