import mongoose from "mongoose";
import type { TokenClaims } from "../auth/tokens";
import { ApiError } from "../http/errors";
import { Event, type EventDoc, type ParticipantEntry } from "../models/event";
import { activityEntry, deliverActivity } from "../realtime/activity";
import { nameKey } from "../schemas/common";
import type { JoinEventGuestInput } from "../schemas/join";
import { createGuestUser, deleteGuestUser, getUserOrThrow } from "../users/accounts";
import { eventNotFound } from "./event-store";

const MAX_NAME_LENGTH = 50;
const JOIN_ATTEMPTS = 8;

export type JoinResult =
  | { participant: ParticipantEntry; created: true; event: EventDoc }
  | { participant: ParticipantEntry; created: false };

/**
 * Adds a user to an event. One conditional update takes a seat, checks the event is open, that
 * the user is not in it yet and that the name is free, and records `participant-joined` in the
 * activity log; only when it matches nothing is the event read, to tell why (and, on a name
 * clash, to take the next suffix before trying again). Publishing is the caller's job.
 */
export async function joinEvent(
  eventId: string,
  userId: mongoose.Types.ObjectId,
  requestedName: string,
): Promise<JoinResult> {
  let name = requestedName;
  // A lost race means another join got in first, so only a retry that saw no new participant
  // uses up an attempt: N people joining at once under one name all get in.
  let seenCount = -1;
  for (let stalls = 0; stalls < JOIN_ATTEMPTS; ) {
    const participant: ParticipantEntry = { _id: new mongoose.Types.ObjectId(), userId, name };
    const key = nameKey(name);
    const joined = activityEntry({
      name: "participant-joined",
      data: { participantId: participant._id.toHexString(), name },
    });
    const event = await Event.findOneAndUpdate(
      {
        _id: eventId,
        currentState: { $ne: "ended" },
        openSeats: { $gt: 0 },
        // `$nor` rather than `$ne`: FerretDB reads `{ "participants.userId": { $ne: … } }` as "some
        // participant differs"; `$nor` means "none matches" on both databases.
        $nor: [{ "participants.userId": userId }, { nameKeys: key }],
      },
      {
        $push: { participants: participant, nameKeys: key, activity: joined },
        $inc: { openSeats: -1, participantCount: 1 },
      },
      { returnDocument: "after" },
    ).lean<EventDoc>();
    if (event) return { participant, created: true, event };

    const current = await Event.findById(eventId, { activity: 0 }).lean<EventDoc>();
    if (!current) throw eventNotFound();
    const existing = current.participants.find((entry) => entry.userId.equals(userId));
    if (existing) return { participant: existing, created: false };
    if (current.currentState === "ended") throw new ApiError("event_ended", "This event has ended.");
    if (current.openSeats <= 0) throw new ApiError("event_full", "This event is full.");
    if (current.participantCount === seenCount) stalls++;
    seenCount = current.participantCount;
    if (current.nameKeys.includes(nameKey(name))) name = await nextSuffixedName(eventId, requestedName);
  }
  // Only reachable when other joins keep taking the name picked: a busy event, so try again.
  throw new ApiError("conflict", "The event is busy; please try joining again.");
}

/**
 * The name to try after `requested` clashed: `requested (n)`, with n drawn from a per-name counter
 * on the event, so that people joining at once under one name each get their own suffix (2, 3, …
 * in order) instead of all racing for the same one. Suffixes someone typed themselves are skipped.
 */
async function nextSuffixedName(eventId: string, requested: string): Promise<string> {
  // Field names cannot hold "." or "$", which a display name can: key the counter by hex.
  const counter = Buffer.from(nameKey(requested)).toString("hex");
  for (;;) {
    const event = await Event.findOneAndUpdate(
      { _id: eventId },
      { $inc: { [`nameSuffixes.${counter}`]: 1 } },
      { returnDocument: "after" },
    ).lean<EventDoc>();
    if (!event) throw eventNotFound();
    const candidate = withSuffix(requested, (event.nameSuffixes?.[counter] ?? 1) + 1);
    if (!event.nameKeys.includes(nameKey(candidate))) return candidate;
  }
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
  const name = input.name ?? (await getUserOrThrow(claims.userId)).name;
  const result = await joinEvent(eventId, new mongoose.Types.ObjectId(claims.userId), name);
  if (result.created) await deliverActivity(result.event, 1);
  return result;
}

export type GuestJoinResult = JoinResult & { userId: string };

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
    if (result.created) await deliverActivity(result.event, 1);
    return { ...result, userId: claims.userId };
  }
  const guest = await createGuestUser(input);
  let result: JoinResult;
  try {
    result = await joinEvent(eventId, guest._id, input.name);
  } catch (error) {
    // Only a refused join is undone: after a lost connection the join may be stored all the same.
    if (error instanceof ApiError) await deleteGuestUser(guest._id).catch(() => undefined);
    throw error;
  }
  if (result.created) await deliverActivity(result.event, 1);
  return { ...result, userId: guest._id.toHexString() };
}
