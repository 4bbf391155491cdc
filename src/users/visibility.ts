import mongoose from "mongoose";
import { Event } from "../models/event";
import { Participant } from "../models/participant";
import { ParticipantConnection } from "../models/participant-connection";
import type { ProfileVisibility, UserDoc } from "../models/user";
import { type PublicProfile, serializePublicProfile } from "./serialize";
import { usersShareAnEvent } from "./shared-events";

/**
 * How a viewer stands to a profile's owner, as far as visibility asks:
 * - "met": a connection between them (either direction), or the viewer hosts an event the owner
 *   took part in;
 * - "event": they share an event (both joined it, or one hosts it), without having met;
 * - "none": nothing in common.
 * The owner themselves is handled before any of this: they always see everything.
 */
export type ViewerRelation = "met" | "event" | "none";

/** The stored setting, "event" when never set (accounts from before the setting). */
export function visibilityOf(user: Pick<UserDoc, "profileVisibility">): ProfileVisibility {
  return user.profileVisibility ?? "event";
}

/**
 * The one rule: whether a viewer who stands in `relation` to the owner sees the owner's public
 * profile (true) or only their name (false).
 */
export function mayViewProfile(visibility: ProfileVisibility, relation: ViewerRelation): boolean {
  if (visibility === "private") return false;
  if (visibility === "met") return relation === "met";
  return relation !== "none";
}

/**
 * A listed person's profile as the viewer may see it: the public profile, or null (name only).
 * Lists (people met, the recap, my data) hold people the viewer has a connection with in one
 * direction or the other, or (connected-users for the host) people in the host's event, so the
 * list itself proves the relation "met": no query per entry, none per list.
 */
export function listedProfile(user: UserDoc, relation: ViewerRelation = "met"): PublicProfile | null {
  return mayViewProfile(visibilityOf(user), relation) ? serializePublicProfile(user) : null;
}

/**
 * The photo on the event's shared screens (the leaderboard, public, and its `leaderboard-updated`
 * on the event's channel): whoever looks cannot be told apart, so only an "event" profile, seen
 * by everyone who shares the event, shows it there; "met" and "private" show none.
 */
export function photoOnEventScreens(user: Pick<UserDoc, "profilePhoto" | "profileVisibility">): string | null {
  return mayViewProfile(visibilityOf(user), "event") ? (user.profilePhoto ?? null) : null;
}

/**
 * How `viewerId` stands to `ownerId`, asked only as far as `visibility` needs it: nothing for
 * "private"; for "event", whether they share an event (usersShareAnEvent: one or two queries);
 * for "met", the participations of both (one query), then a connection between them either way
 * (one query) and, failing that, an event the viewer hosts that the owner joined (one query).
 */
export async function relationOf(
  viewerId: string,
  ownerId: string,
  visibility: ProfileVisibility,
): Promise<ViewerRelation> {
  if (visibility === "private") return "none";
  if (visibility === "event") return (await usersShareAnEvent(viewerId, ownerId)) ? "event" : "none";
  const viewer = new mongoose.Types.ObjectId(viewerId);
  const owner = new mongoose.Types.ObjectId(ownerId);
  const joined = await Participant.find({ userId: { $in: [viewer, owner] } }, { _id: 1, userId: 1, eventId: 1 }).lean();
  const ofViewer = joined.filter((p) => p.userId.equals(viewer));
  const ofOwner = joined.filter((p) => p.userId.equals(owner));
  const connected = await ParticipantConnection.exists({
    $or: [
      // eventId leads the (eventId, primaryParticipantId, …) index.
      {
        eventId: { $in: ofViewer.map((p) => p.eventId) },
        primaryParticipantId: { $in: ofViewer.map((p) => p._id) },
        secondaryUserId: owner,
      },
      {
        eventId: { $in: ofOwner.map((p) => p.eventId) },
        primaryParticipantId: { $in: ofOwner.map((p) => p._id) },
        secondaryUserId: viewer,
      },
    ],
  });
  if (connected) return "met";
  if (ofOwner.length === 0) return "none";
  const hosts = await Event.exists({ createdBy: viewer, _id: { $in: ofOwner.map((p) => p.eventId) } });
  return hosts ? "met" : "none";
}
