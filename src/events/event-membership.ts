import mongoose from "mongoose";
import { Event } from "../models/event";
import { Participant } from "../models/participant";

/**
 * True when two users meet in some event: both joined it, or one hosts it and the other joined.
 * The one question profile visibility asks of participants: the events each user joined, from the
 * (userId, eventId) index, then, only if none is shared, whether one hosts an event the other
 * joined. Bounded by how many events the two joined, never by how big an event is.
 */
export async function usersShareAnEvent(userA: string, userB: string): Promise<boolean> {
  const a = new mongoose.Types.ObjectId(userA);
  const b = new mongoose.Types.ObjectId(userB);
  const [joinedByA, joinedByB] = await Promise.all(
    [a, b].map(async (userId) =>
      (await Participant.find({ userId }, { _id: 0, eventId: 1 }).lean<{ eventId: mongoose.Types.ObjectId }[]>()).map(
        (entry) => entry.eventId,
      ),
    ),
  );
  const ofA = new Set((joinedByA ?? []).map((id) => id.toHexString()));
  if ((joinedByB ?? []).some((id) => ofA.has(id.toHexString()))) return true;
  const hosted = await Event.exists({
    $or: [
      { createdBy: a, _id: { $in: joinedByB ?? [] } },
      { createdBy: b, _id: { $in: joinedByA ?? [] } },
    ],
  });
  return hosted !== null;
}
