import mongoose from "mongoose";
import { ApiError, eventNotFound, isDuplicateKeyError } from "../errors";
import { Ban, type BanDoc } from "../models/ban";
import { Event, type EventDoc } from "../models/event";
import type { ParticipantEntry } from "../models/participant";

/** The most bans GET …/bans lists, oldest first; more than a room ever needs. */
export const BAN_LIST_LIMIT = 1_000;

export function bannedError(): ApiError {
  return new ApiError("banned", "The host has banned you from this event.");
}

/** Whether the host banned the user from the event: one read on the unique (eventId, userId) index. */
export async function isBanned(
  eventId: mongoose.Types.ObjectId,
  userId: mongoose.Types.ObjectId | string,
): Promise<boolean> {
  return (await Ban.exists({ eventId, userId: new mongoose.Types.ObjectId(userId) })) !== null;
}

/**
 * Records the ban of a participant's user (kept if one is there already): an upsert on the unique
 * (eventId, userId) index, so two removes at once record it once. The event's `hasBans` was set
 * by the remove's seq reservation before this, so every join from then on checks the bans.
 */
export async function recordBan(eventId: mongoose.Types.ObjectId, participant: ParticipantEntry, at = new Date()) {
  try {
    await Ban.updateOne(
      { eventId, userId: participant.userId },
      { $setOnInsert: { name: participant.name, bannedAt: at } },
      { upsert: true },
    );
  } catch (error) {
    // The concurrent upsert of the same ban won: the ban is there.
    if (!isDuplicateKeyError(error)) throw error;
  }
}

/** GET …/bans – the host's list of bans, oldest first. */
export async function listBans(eventId: string, hostId: string): Promise<BanDoc[]> {
  const eventObjectId = await requireHost(eventId, hostId);
  return Ban.find({ eventId: eventObjectId }, { userId: 1, name: 1, bannedAt: 1 })
    .sort({ bannedAt: 1 })
    .limit(BAN_LIST_LIMIT)
    .lean<BanDoc[]>()
    .exec();
}

/** DELETE …/bans/:userId – the host lifts a ban: the user may join again. */
export async function liftBan(eventId: string, hostId: string, userId: string): Promise<void> {
  const eventObjectId = await requireHost(eventId, hostId);
  const { deletedCount } = await Ban.deleteOne({ eventId: eventObjectId, userId: new mongoose.Types.ObjectId(userId) });
  if (deletedCount === 0) throw new ApiError("not_found", "That user is not banned from this event.");
}

/** The event's id once the caller is its host: 404 for no event, 403 for anyone else. */
export async function requireHost(eventId: string, hostId: string): Promise<mongoose.Types.ObjectId> {
  const event = await Event.findById(eventId, { createdBy: 1 }).lean<Pick<EventDoc, "_id" | "createdBy">>();
  if (!event) throw eventNotFound();
  if (!event.createdBy.equals(hostId)) throw new ApiError("forbidden", "Only the event's host can do that.");
  return event._id;
}
