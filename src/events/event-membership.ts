import mongoose from "mongoose";
import { Event } from "../models/event";

/**
 * True when two users meet in some event: both joined it, or one hosts it and the other joined.
 * The one question profile visibility asks of the participant list (one indexed query).
 */
export async function usersShareAnEvent(userA: string, userB: string): Promise<boolean> {
  const a = new mongoose.Types.ObjectId(userA);
  const b = new mongoose.Types.ObjectId(userB);
  const shared = await Event.exists({
    $or: [
      { $and: [{ "participants.userId": a }, { "participants.userId": b }] },
      { createdBy: a, "participants.userId": b },
      { createdBy: b, "participants.userId": a },
    ],
  });
  return shared !== null;
}
