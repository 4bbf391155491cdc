import mongoose from "mongoose";
import { ActivityEntry } from "../src/models/activity-entry";
import { Event } from "../src/models/event";
import { Participant } from "../src/models/participant";
import { ParticipantConnection } from "../src/models/participant-connection";
import { guestEmailKey, User } from "../src/models/user";
import { nameKey } from "../src/schemas/common";

// Seeding for dev/bench.ts: an event's participants written in bulk, as their guest joins would
// have stored them (each with its guest account, its seat, its seq and a sent participant-joined),
// without paying for thousands of requests.

export interface SeededParticipant {
  participantId: string;
  userId: string;
  /** What the participant's meeting code carries. */
  seq: number;
  name: string;
}

const CHUNK = 1_000;

export async function seedParticipants(eventId: string, count: number): Promise<SeededParticipant[]> {
  const event = await Event.findById(eventId, { lastSeq: 1 }).lean();
  if (!event) throw new Error(`no event ${eventId}`);
  const joinedAt = new Date();
  const participants = Array.from({ length: count }, (_, i) => {
    const name = `Seeded ${i + 1}`;
    const userId = new mongoose.Types.ObjectId();
    return {
      _id: new mongoose.Types.ObjectId(),
      eventId: event._id,
      userId,
      name,
      nameKey: nameKey(name),
      seq: event.lastSeq + i + 1,
      joinedAt,
      // As a join stores it (issue 21): the user's photo, kept with the participant.
      photo: photoUrl(userId),
    };
  });
  for (let start = 0; start < count; start += CHUNK) {
    const slice = participants.slice(start, start + CHUNK);
    await User.insertMany(
      slice.map((p) => ({
        _id: p.userId,
        name: p.name,
        emailKey: guestEmailKey(p.userId),
        authProvider: "guest",
        profilePhoto: photoUrl(p.userId),
      })),
      { ordered: false },
    );
    await Participant.insertMany(slice, { ordered: false });
    await ActivityEntry.insertMany(
      slice.map((p) => ({
        eventId: event._id,
        seq: p.seq,
        event: "participant-joined",
        data: { participantId: p._id.toHexString(), name: p.name },
        at: joinedAt,
        sent: true,
      })),
      { ordered: false },
    );
  }
  await Event.updateOne({ _id: eventId }, { $inc: { openSeats: -count, participantCount: count, lastSeq: count } });
  return participants.map((p) => ({
    participantId: p._id.toHexString(),
    userId: p.userId.toHexString(),
    seq: p.seq,
    name: p.name,
  }));
}

function photoUrl(userId: mongoose.Types.ObjectId): string {
  return `https://example.com/photos/${userId.toHexString()}.png`;
}

/** Puts a started event back to pending, so that a start can be measured again. */
export async function resetToPending(eventId: string): Promise<void> {
  await Event.updateOne({ _id: eventId }, { $set: { currentState: "pending", startedAt: null } });
}

/** Puts an ended event back to active, so that an end can be measured again. */
export async function resetToActive(eventId: string): Promise<void> {
  await Event.updateOne({ _id: eventId }, { $set: { currentState: "active", endedAt: null } });
}

/**
 * `count` recorded meetings between seeded participants, inserted directly (as the host export's
 * test does): participant i met i+1, i+2, … in turn, so no pair repeats while count ≤ n × (n − 1).
 */
export async function seedConnections(eventId: string, seeded: SeededParticipant[], count: number): Promise<number> {
  const n = seeded.length;
  if (count > n * (n - 1)) throw new Error(`${count} connections need more than ${n} participants`);
  const eventObjectId = new mongoose.Types.ObjectId(eventId);
  const at = new Date();
  for (let start = 0; start < count; start += CHUNK) {
    const slice = Array.from({ length: Math.min(CHUNK, count - start) }, (_, k) => {
      const i = start + k;
      const from = seeded[i % n] as SeededParticipant;
      const to = seeded[(i + 1 + Math.floor(i / n)) % n] as SeededParticipant;
      return {
        eventId: eventObjectId,
        primaryParticipantId: new mongoose.Types.ObjectId(from.participantId),
        secondaryParticipantId: new mongoose.Types.ObjectId(to.participantId),
        secondaryUserId: new mongoose.Types.ObjectId(to.userId),
        secondaryName: to.name,
        description: "Met",
        square: null,
        seq: null,
        at,
      };
    });
    await ParticipantConnection.insertMany(slice, { ordered: false });
  }
  return ParticipantConnection.countDocuments({ eventId: eventObjectId });
}
