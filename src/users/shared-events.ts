import mongoose from "mongoose";
import { Event } from "../models/event";
import { Participant } from "../models/participant";

/**
 * True when two users meet in some event: both joined it, or one hosts it and the other joined.
 * The one question profile visibility asks of participants: the events either user joined, in one
 * query on the (userId, eventId) index, then, only if none is shared and one of them joined
 * something, whether one hosts an event the other joined. Bounded by how many events the two
 * joined, never by how big an event is.
 */
export async function usersShareAnEvent(userA: string, userB: string): Promise<boolean> {
  const a = new mongoose.Types.ObjectId(userA);
  const b = new mongoose.Types.ObjectId(userB);
  const joined = await Participant.find({ userId: { $in: [a, b] } }, { _id: 0, userId: 1, eventId: 1 }).lean<
    { userId: mongoose.Types.ObjectId; eventId: mongoose.Types.ObjectId }[]
  >();
  const joinedByA = joined.filter((entry) => entry.userId.equals(a)).map((entry) => entry.eventId);
  const joinedByB = joined.filter((entry) => entry.userId.equals(b)).map((entry) => entry.eventId);
  const ofA = new Set(joinedByA.map((id) => id.toHexString()));
  if (joinedByB.some((id) => ofA.has(id.toHexString()))) return true;
  if (joinedByA.length === 0 && joinedByB.length === 0) return false;
  const hosted = await Event.exists({
    $or: [
      { createdBy: a, _id: { $in: joinedByB } },
      { createdBy: b, _id: { $in: joinedByA } },
    ],
  });
  return hosted !== null;
}
