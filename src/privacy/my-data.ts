import mongoose from "mongoose";
import { ActivityEntry } from "../models/activity-entry";
import { BingoCard, type BingoCardDoc } from "../models/bingo-card";
import { Event } from "../models/event";
import { Participant } from "../models/participant";
import { ParticipantConnection, type ParticipantConnectionDoc } from "../models/participant-connection";
import { User, type UserDoc } from "../models/user";
import type { MyDataExport } from "../schemas/export";
import { getUserOrThrow } from "../users/accounts";
import { serializeOwnUser } from "../users/serialize";
import { listedProfile } from "../users/visibility";

/**
 * GET /api/users/me/export – what is stored about the caller: the account (never its hash), every
 * participation with its card and achievements, the connections made and received (the other
 * side's in-event name and public profile as its profileVisibility lets the caller see it), the events hosted (a summary) and the activity entries
 * naming them. A participation that was left is no longer stored (a leave deletes it), so it is
 * not listed. About one query per collection, each by an indexed field or `_id`.
 */
export async function exportMyData(userId: string, now = new Date()): Promise<MyDataExport> {
  const user = await getUserOrThrow(userId);
  const userObjectId = new mongoose.Types.ObjectId(userId);
  const participations = await Participant.find({ userId: userObjectId }).sort({ joinedAt: 1 }).lean();
  const participantIds = participations.map((p) => p._id);
  const eventIds = participations.map((p) => p.eventId);
  const [events, cards, made, received, hosted, activity] = await Promise.all([
    Event.find({ _id: { $in: eventIds } }, { name: 1, currentState: 1 }).lean(),
    BingoCard.find({ participantId: { $in: participantIds } }).lean<BingoCardDoc[]>(),
    ParticipantConnection.find({ primaryParticipantId: { $in: participantIds } }).lean<ParticipantConnectionDoc[]>(),
    ParticipantConnection.find({ secondaryUserId: userObjectId }).lean<ParticipantConnectionDoc[]>(),
    Event.find({ createdBy: userObjectId }, { name: 1, currentState: 1, participantCount: 1, createdAt: 1 }).lean(),
    ActivityEntry.find(
      { eventId: { $in: eventIds }, "data.participantId": { $in: participantIds.map((id) => id.toHexString()) } },
      { eventId: 1, seq: 1, event: 1, data: 1, at: 1 },
    ).lean(),
  ]);
  const makers = await Participant.find(
    { _id: { $in: received.map((c) => c.primaryParticipantId) } },
    { userId: 1, name: 1 },
  ).lean();
  const others = await User.find({
    _id: { $in: [...made.map((c) => c.secondaryUserId), ...makers.map((m) => m.userId)] },
  }).lean<UserDoc[]>();
  // Each other side has a connection with the caller, one way or the other: "met" by definition.
  const profiles = new Map(others.map((other) => [other._id.toHexString(), listedProfile(other)]));
  const makerById = new Map(makers.map((m) => [m._id.toHexString(), m]));
  const eventById = new Map(events.map((e) => [e._id.toHexString(), e]));
  const latest = new Map<string, BingoCardDoc>();
  const achievements = new Map<string, BingoCardDoc["achieved"]>();
  for (const card of cards) {
    const key = card.participantId.toHexString();
    if ((latest.get(key)?.version ?? 0) < card.version) latest.set(key, card);
    achievements.set(key, [...(achievements.get(key) ?? []), ...card.achieved]);
  }
  return {
    exportedAt: now.toISOString(),
    account: serializeOwnUser(user),
    participations: participations.map((p) => {
      const card = latest.get(p._id.toHexString());
      return {
        eventId: p.eventId.toHexString(),
        eventName: eventById.get(p.eventId.toHexString())?.name ?? null,
        participantId: p._id.toHexString(),
        name: p.name,
        joinedAt: p.joinedAt.toISOString(),
        left: false,
        card: card
          ? {
              squaresFilled: card.version,
              linesCompleted: card.lines.length,
              completed: card.completed,
              marks: card.marks.map((m) => ({ square: m.square, name: m.name, at: m.at.toISOString() })),
            }
          : null,
        achievements: (achievements.get(p._id.toHexString()) ?? []).map((a) => ({
          achievementType: a.achievementType,
          seq: a.seq,
        })),
      };
    }),
    connectionsMade: made.map((c) => ({
      eventId: c.eventId.toHexString(),
      participantId: c.secondaryParticipantId.toHexString(),
      name: c.secondaryName,
      description: c.description,
      square: c.square,
      at: c.at.toISOString(),
      profile: profiles.get(c.secondaryUserId.toHexString()) ?? null,
    })),
    connectionsReceived: received.map((c) => {
      const maker = makerById.get(c.primaryParticipantId.toHexString());
      return {
        eventId: c.eventId.toHexString(),
        participantId: c.primaryParticipantId.toHexString(),
        name: maker?.name ?? null,
        description: c.description,
        square: c.square,
        at: c.at.toISOString(),
        profile: maker ? (profiles.get(maker.userId.toHexString()) ?? null) : null,
      };
    }),
    eventsHosted: hosted.map((e) => ({
      _id: e._id.toHexString(),
      name: e.name,
      currentState: e.currentState,
      participantCount: e.participantCount ?? 0,
      createdAt: e.createdAt.toISOString(),
    })),
    activity: activity.map((a) => ({
      eventId: a.eventId.toHexString(),
      seq: a.seq,
      event: a.event,
      data: a.data,
      at: a.at.toISOString(),
    })),
  };
}
