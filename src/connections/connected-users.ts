import type mongoose from "mongoose";
import type { TokenClaims } from "../auth/tokens";
import { ApiError, eventNotFound } from "../errors";
import { Event, type EventDoc } from "../models/event";
import { Participant, type ParticipantEntry } from "../models/participant";
import { ParticipantConnection, type ParticipantConnectionDoc } from "../models/participant-connection";
import { type SocialLinks, User, type UserDoc } from "../models/user";
import type { GetConnectedUsersQuery } from "../schemas/connection";
import { listedProfile } from "../users/visibility";

/** One person a participant met, in the shape the mobile app's "people met" screens read. */
export interface ConnectedUser {
  participantId: string;
  participantName: string;
  connectionDescription: string;
  verified: boolean;
  user: {
    _id: string;
    name: string;
    profilePhoto: string | null;
    title: string;
    organization: string;
    bio: string;
    socialLinks: SocialLinks;
  };
}

// The most people one list holds: everyone in the largest event we plan for (docs/limits.md).
const CONNECTED_USERS_LIMIT = 5_000;

/**
 * GET /api/participantConnections/connected-users: the people `participantId` met (their own
 * connections, oldest first), each with their public profile, for that participant's user or the
 * event's host. Three queries when the caller is the participant, four for the host: the
 * participant by _id, (the event, for its host,) the connections by (eventId, primaryParticipantId)
 * index, the users they met by _id. Names come from the connections themselves.
 */
export async function getConnectedUsers(claims: TokenClaims, query: GetConnectedUsersQuery): Promise<ConnectedUser[]> {
  const participant = await Participant.findOne(
    { _id: query.participantId, eventId: query.eventId },
    { _id: 1, userId: 1, name: 1 },
  ).lean<ParticipantEntry>();
  if (!participant) {
    if (!(await Event.exists({ _id: query.eventId }))) throw eventNotFound();
    throw new ApiError("not_found", "No participant with that id in this event.");
  }
  if (!participant.userId.equals(claims.userId)) {
    const event = await Event.findById(query.eventId, { createdBy: 1 }).lean<Pick<EventDoc, "_id" | "createdBy">>();
    if (!event?.createdBy.equals(claims.userId)) {
      throw new ApiError("forbidden", "Only that participant or the event's host can see who they met.");
    }
  }
  const connections = await ParticipantConnection.find(
    { eventId: query.eventId, primaryParticipantId: participant._id },
    { secondaryParticipantId: 1, secondaryUserId: 1, secondaryName: 1, description: 1, at: 1, verified: 1 },
  )
    .sort({ at: 1, _id: 1 })
    .limit(CONNECTED_USERS_LIMIT)
    .batchSize(CONNECTED_USERS_LIMIT)
    .lean<ParticipantConnectionDoc[]>();
  if (connections.length === 0) return [];
  const users = await User.find({ _id: { $in: connections.map((c) => c.secondaryUserId) } })
    .batchSize(CONNECTED_USERS_LIMIT)
    .lean<UserDoc[]>();
  const byId = new Map(users.map((user) => [user._id.toHexString(), user]));
  return connections.map((connection) => {
    const user = byId.get(connection.secondaryUserId.toHexString());
    return {
      participantId: connection.secondaryParticipantId.toHexString(),
      participantName: connection.secondaryName,
      connectionDescription: connection.description,
      verified: connection.verified ?? false,
      user: user ? metUser(user) : missingUser(connection.secondaryUserId, connection.secondaryName),
    };
  });
}

/**
 * Everyone listed was met by the participant, and is in the host's event: the relation is "met"
 * for either caller, so only a "private" profile shows its name alone (the other fields empty).
 */
function metUser(user: UserDoc): ConnectedUser["user"] {
  const profile = listedProfile(user);
  if (!profile) return missingUser(user._id, user.name);
  const { _id, name, profilePhoto, title, organization, bio, socialLinks } = profile;
  return { _id, name, profilePhoto, title, organization, bio, socialLinks };
}

/** An account gone since the meeting, or a private profile: the name alone, the rest empty. */
function missingUser(userId: mongoose.Types.ObjectId, name: string): ConnectedUser["user"] {
  return {
    _id: userId.toHexString(),
    name,
    profilePhoto: null,
    title: "",
    organization: "",
    bio: "",
    socialLinks: {},
  };
}
