import mongoose from "mongoose";
import { Event } from "../src/models/event";
import { nameKey } from "../src/schemas/common";

// Seeding for dev/bench.ts: an event's participants written in bulk, as their joins would have
// stored them (with a sent participant-joined each), without paying for thousands of requests.

export interface SeededParticipant {
  participantId: string;
  userId: string;
}

export async function seedParticipants(eventId: string, count: number): Promise<SeededParticipant[]> {
  const at = new Date();
  const participants = Array.from({ length: count }, (_, i) => ({
    _id: new mongoose.Types.ObjectId(),
    userId: new mongoose.Types.ObjectId(),
    name: `Seeded ${i + 1}`,
  }));
  const chunk = 1000;
  for (let start = 0; start < count; start += chunk) {
    const slice = participants.slice(start, start + chunk);
    await Event.updateOne(
      { _id: eventId },
      {
        $push: {
          participants: { $each: slice },
          nameKeys: { $each: slice.map((p) => nameKey(p.name)) },
          activity: {
            $each: slice.map((p) => ({
              event: "participant-joined",
              data: { participantId: p._id.toHexString(), name: p.name },
              at,
              sent: true,
            })),
          },
        },
        $inc: { openSeats: -slice.length, participantCount: slice.length },
      },
    );
  }
  return participants.map((p) => ({ participantId: p._id.toHexString(), userId: p.userId.toHexString() }));
}

/** Puts a started event back to pending, so that a start can be measured again. */
export async function resetToPending(eventId: string): Promise<void> {
  await Event.updateOne({ _id: eventId }, { $set: { currentState: "pending", startedAt: null } });
}
