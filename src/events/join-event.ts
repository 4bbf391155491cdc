import mongoose from "mongoose";
import type { TokenClaims } from "../auth/tokens";
import { ApiError, busyError, eventNotFound, isDuplicateKeyError } from "../errors";
import { newDocumentId } from "../ids";
import { Event, type EventDoc } from "../models/event";
import { NameSuffixCounter, type NameSuffixCounterDoc } from "../models/name-suffix-counter";
import { Participant, type ParticipantEntry } from "../models/participant";
import { User, type UserDoc } from "../models/user";
import { participantJoined } from "../realtime/messages";
import { announce } from "../realtime/outbox";
import { recordSeqGaps, reserveSeqs } from "../realtime/sequence";
import { nameKey } from "../schemas/common";
import type { JoinEventGuestInput } from "../schemas/join";
import { createGuestUser, deleteGuestUser, getUserOrThrow } from "../users/accounts";
import { photoOnEventScreens } from "../users/visibility";
import { bannedError, isBanned } from "./bans";

const MAX_NAME_LENGTH = 50;
const JOIN_ATTEMPTS = 8;

export type JoinResult =
  | { participant: ParticipantEntry; created: true; event: EventDoc; seq: number; joinedAt: Date }
  | { participant: ParticipantEntry; created: false };

/**
 * Adds a user to an event, in this order (docs/data-model.md):
 * 1. one conditional `$inc` on the event takes a seat (`openSeats > 0`, not ended) and reserves the
 *    next seq; when it matches nothing, the event and the user's participant are read to tell why;
 * 2. the participant is inserted, holding that seq. The unique (eventId, userId) and (eventId,
 *    nameKey) indexes refuse a second join of the user (the seat is given back; the seq stays a
 *    gap) or a taken name (the next suffix is tried, keeping the seat and the seq).
 * A function that dies between 1 and 2 leaves a seat taken and a seq unused: the cron's audit
 * gives them back. Publishing is the caller's job.
 */
export async function joinEvent(
  eventId: string,
  user: PhotoFields,
  requestedName: string,
  { guest = false }: { guest?: boolean } = {},
): Promise<JoinResult> {
  const userId = user._id;
  const seat = await takeSeat(eventId, userId, guest);
  if ("existing" in seat) return { participant: seat.existing, created: false };
  const { event, seq } = seat;
  // Only an event that has ever banned someone costs this read (models/event.ts, `hasBans`).
  if (event.hasBans && (await isBanned(event._id, userId))) {
    await giveBackSeat(event._id);
    throw bannedError();
  }
  const joinedAt = new Date();
  let name = requestedName;
  for (let attempt = 0; attempt < JOIN_ATTEMPTS; attempt++) {
    const participant = {
      _id: newDocumentId(),
      eventId: event._id,
      userId,
      name,
      nameKey: nameKey(name),
      seq,
      joinedAt,
      // Kept with the participant so a leaderboard row needs no read of the user (bingo/leaderboard.ts).
      photo: photoOnEventScreens(user),
    };
    try {
      await Participant.create(participant);
      return { participant: { _id: participant._id, userId, name }, created: true, event, seq, joinedAt };
    } catch (error) {
      // Any other failure leaves the outcome unknown, so the seat is kept: the audit settles it.
      if (!isDuplicateKeyError(error)) throw error;
    }
    const existing = await findParticipantByUser(event._id, userId);
    if (existing) {
      await giveBackSeat(event._id);
      return { participant: existing, created: false };
    }
    name = await nextSuffixedName(event._id, requestedName);
  }
  // Only reachable when other joins keep taking the names picked: a busy event, so try again.
  await giveBackSeat(event._id);
  throw busyError("The event is busy; please try joining again.");
}

type Seat = { event: EventDoc; seq: number } | { existing: ParticipantEntry };

type DoorFields = "currentState" | "openSeats" | "joinsLocked" | "guestsAllowed" | "hasBans";

/**
 * The seat `$inc` also checks the host's doors (`joinsLocked`, and `guestsAllowed` for a guest),
 * so a locked event costs a join nothing more; when it matches nothing, the event and the user's
 * participant are read to tell why, and someone already in gets their participant back.
 */
async function takeSeat(eventId: string, userId: mongoose.Types.ObjectId, guest: boolean): Promise<Seat> {
  const reserved = await reserveSeqs(eventId, 1, {
    where: {
      currentState: { $ne: "ended" },
      openSeats: { $gt: 0 },
      joinsLocked: { $ne: true },
      ...(guest ? { guestsAllowed: { $ne: false } } : {}),
    },
    inc: { openSeats: -1, participantCount: 1 },
  });
  if (reserved) return { event: reserved.event, seq: reserved.firstSeq };
  const [current, existing] = await Promise.all([
    Event.findById(eventId, { currentState: 1, openSeats: 1, joinsLocked: 1, guestsAllowed: 1, hasBans: 1 }).lean<
      Pick<EventDoc, DoorFields>
    >(),
    findParticipantByUser(new mongoose.Types.ObjectId(eventId), userId),
  ]);
  if (!current) throw eventNotFound();
  if (existing) return { existing };
  if (current.currentState === "ended") throw new ApiError("event_ended", "This event has ended.");
  if (current.hasBans && (await isBanned(new mongoose.Types.ObjectId(eventId), userId))) throw bannedError();
  if (current.joinsLocked) throw new ApiError("joins_locked", "The host has closed this event to new joins.");
  if (guest && current.guestsAllowed === false) {
    throw new ApiError("guests_not_allowed", "This event is for registered users only; please sign up or log in.");
  }
  throw new ApiError("event_full", "This event is full.");
}

/** A refused join's seat goes back; its seq is counted as a gap, never reused. */
async function giveBackSeat(eventId: mongoose.Types.ObjectId): Promise<void> {
  await recordSeqGaps(eventId, 1, { openSeats: 1, participantCount: -1 });
}

/** The user's participant in the event, if any: (eventId, userId) index. */
export function findParticipantByUser(
  eventId: mongoose.Types.ObjectId,
  userId: mongoose.Types.ObjectId | string,
): Promise<ParticipantEntry | null> {
  return Participant.findOne({ eventId, userId }, { _id: 1, userId: 1, name: 1 }).lean<ParticipantEntry>().exec();
}

/**
 * The name to try after `requested` clashed: `requested (n)`, with n drawn from a per-event,
 * per-name counter, so that people joining at once under one name each get their own suffix
 * (2, 3, … in order) instead of all racing for the same one. A suffixed name that someone typed
 * themselves clashes in turn, and the next one is drawn.
 */
async function nextSuffixedName(eventId: mongoose.Types.ObjectId, requested: string): Promise<string> {
  // Hex of the key: a display name can hold any character.
  const _id = `${eventId.toHexString()}:${Buffer.from(nameKey(requested)).toString("hex")}`;
  const counter = await NameSuffixCounter.findOneAndUpdate(
    { _id },
    { $inc: { last: 1 } },
    { upsert: true, returnDocument: "after" },
  ).lean<NameSuffixCounterDoc>();
  // The first clash of a name is its second holder: "Sam (2)".
  return withSuffix(requested, (counter?.last ?? 1) + 1);
}

/** `name (n)`, shortening `name` so the whole stays within the 50-character limit. */
export function withSuffix(name: string, n: number): string {
  const suffix = ` (${n})`;
  const base = [...name]
    .slice(0, MAX_NAME_LENGTH - suffix.length)
    .join("")
    .trimEnd();
  return `${base}${suffix}`;
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
  // One read of the user either way: the account's name when none is given, and the photo the
  // participant keeps.
  const account = input.name === undefined ? await getUserOrThrow(claims.userId) : null;
  const user = account ?? (await readPhoto(claims.userId));
  const name = input.name ?? account?.name ?? "";
  const result = await joinEvent(eventId, user, name, {
    guest: claims.kind === "guest",
  });
  if (result.created) await announceJoin(result);
  return result;
}

export type GuestJoinResult = JoinResult & { userId: string };

/**
 * POST …/join/guest: a guest token that is sent is reused (so a guest who already joined gets
 * their participant back); otherwise a new guest user is made under `guestId`, and removed again
 * if the join is refused, so a refused join leaves nothing behind. A retry with the same
 * Idempotency-Key passes the same `guestId`, so it finds the guest and participant its first
 * attempt stored instead of making a second one.
 */
export async function joinEventAsGuest(
  eventId: string,
  claims: TokenClaims | null,
  input: JoinEventGuestInput,
  guestId = newDocumentId(),
): Promise<GuestJoinResult> {
  if (claims?.kind === "guest") {
    const result = await joinEvent(eventId, await readPhoto(claims.userId), input.name, { guest: true });
    if (result.created) await announceJoin(result);
    return { ...result, userId: claims.userId };
  }
  const guest = await createGuestUser(input, guestId);
  let result: JoinResult;
  try {
    result = await joinEvent(eventId, guest, input.name, { guest: true });
  } catch (error) {
    // Only a refused join is undone: after a lost connection the join may be stored all the same.
    if (error instanceof ApiError) await deleteGuestUser(guest._id).catch(() => undefined);
    throw error;
  }
  if (result.created) await announceJoin(result);
  return { ...result, userId: guest._id.toHexString() };
}

type PhotoFields = Pick<UserDoc, "_id" | "profilePhoto" | "profileVisibility">;

/**
 * What a joining user's participant keeps of their profile (their photo), when the join needs no
 * other field of the user: one read by _id. A user not found joins without a photo, as a join
 * never required the user to be read.
 */
async function readPhoto(userId: string): Promise<PhotoFields> {
  const user = await User.findById(userId, { profilePhoto: 1, profileVisibility: 1 }).lean<PhotoFields>();
  return user ?? { _id: new mongoose.Types.ObjectId(userId) };
}

/** Publishes a new participant's participant-joined and logs it (see realtime/outbox.ts). */
async function announceJoin(result: Extract<JoinResult, { created: true }>): Promise<void> {
  const { participant, seq, joinedAt } = result;
  await announce(result.event, [
    participantJoined({ participantId: participant._id.toHexString(), name: participant.name, seq, joinedAt }),
  ]);
}
