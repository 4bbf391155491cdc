import mongoose from "mongoose";
import { getLeaderboard } from "../bingo/leaderboard";
import { ApiError, eventNotFound } from "../errors";
import { Event } from "../models/event";
import { Participant } from "../models/participant";
import { ParticipantConnection } from "../models/participant-connection";
import { User, type UserDoc } from "../models/user";
import type { EventRecap } from "../schemas/export";
import type { PublicProfile } from "../users/serialize";
import { listedProfile } from "../users/visibility";
import { vcardOf } from "./vcard";

/**
 * GET /api/events/:eventId/recap – what the event left the caller: the event, their standing
 * (rank on the leaderboard, lines, squares, people met) and the people they met, each with their
 * public profile as its owner's profileVisibility lets the caller see it (null: name only). Only a participant: a leave deletes the participation, so someone who left is
 * no longer one (403).
 */
export async function getRecap(eventId: string, userId: string): Promise<EventRecap> {
  const eventObjectId = new mongoose.Types.ObjectId(eventId);
  const event = await Event.findById(eventObjectId, { name: 1, startedAt: 1, endedAt: 1 }).lean();
  if (!event) throw eventNotFound();
  const me = await Participant.findOne({ eventId: eventObjectId, userId }, { name: 1 }).lean();
  if (!me) throw new ApiError("forbidden", "You are not a participant of this event.");
  const [board, met] = await Promise.all([
    getLeaderboard(eventId),
    ParticipantConnection.find({ eventId: eventObjectId, primaryParticipantId: me._id }).sort({ at: 1 }).lean(),
  ]);
  const users = await User.find({ _id: { $in: met.map((c) => c.secondaryUserId) } }).lean<UserDoc[]>();
  // Everyone in `met` has a connection with the caller: a profile is null only when private.
  const profiles = new Map<string, PublicProfile | null>(users.map((u) => [u._id.toHexString(), listedProfile(u)]));
  const rank = board.findIndex((row) => row.participantId === me._id.toHexString());
  const mine = board[rank];
  return {
    event: {
      _id: eventId,
      name: event.name,
      startedAt: event.startedAt?.toISOString() ?? null,
      endedAt: event.endedAt?.toISOString() ?? null,
    },
    me: {
      name: me.name,
      rank: rank + 1,
      linesCompleted: mine?.linesCompleted ?? 0,
      completed: mine?.completed ?? false,
      squaresFilled: mine?.squaresFilled ?? 0,
      connectionsCount: mine?.connectionsCount ?? 0,
    },
    met: met.map((c) => ({
      participantId: c.secondaryParticipantId.toHexString(),
      name: c.secondaryName,
      at: c.at.toISOString(),
      profile: profiles.get(c.secondaryUserId.toHexString()) ?? null,
    })),
  };
}

/** The recap's people met as vCards, one per person. */
export function recapAsVcards(recap: EventRecap): string {
  return recap.met.map((person) => vcardOf(person.name, person.profile)).join("");
}
