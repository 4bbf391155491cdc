import mongoose, { Schema, type Types } from "mongoose";

// One person in one event. The unique indexes do what the event document's arrays did before:
// one participant per user per event, one holder per name key. `seq` is the activity-log position
// of the participant's `participant-joined`, taken together with the seat, so it also orders the
// lobby (join order) and lets the cron rebuild a missing log entry from the participant itself.
const participantSchema = new Schema<ParticipantDoc>(
  {
    eventId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    nameKey: { type: String, required: true },
    seq: { type: Number, required: true },
    joinedAt: { type: Date, required: true },
    // The user's photo as the event's shared screens show it (users/visibility.ts
    // photoOnEventScreens), so a leaderboard row is built without reading the user.
    photo: { type: String },
  },
  // Not "participants": a collection of that name from the earlier Shatter API would hold
  // documents without these fields and break the unique indexes below.
  { collection: "eventparticipants", versionKey: false },
);
participantSchema.index({ eventId: 1, userId: 1 }, { unique: true });
participantSchema.index({ eventId: 1, nameKey: 1 }, { unique: true });
// The lobby in join order, and the activity log's participant-joined entries by seq.
participantSchema.index({ eventId: 1, seq: 1 }, { unique: true });
// The events a user joined (profile visibility).
participantSchema.index({ userId: 1, eventId: 1 });

/** A participant as stored (lean). */
export interface ParticipantDoc {
  _id: Types.ObjectId;
  eventId: Types.ObjectId;
  userId: Types.ObjectId;
  name: string;
  nameKey: string;
  seq: number;
  joinedAt: Date;
  /**
   * The photo on the event's screens: set at join, rewritten by every profile change of photo or
   * visibility (users/profiles.ts). Absent on participants from before it was stored: read from
   * the user then.
   */
  photo?: string | null;
}

/** What responses and rules need of a participant. */
export type ParticipantEntry = Pick<ParticipantDoc, "_id" | "userId" | "name">;

/** A participant as a leaderboard row needs them: with the photo they keep (absent: read the user). */
export type ParticipantWithPhoto = ParticipantEntry & Pick<ParticipantDoc, "photo">;

// Reused when the module is evaluated again in the same process (tests, dev reloads).
export const Participant =
  (mongoose.models.Participant as mongoose.Model<ParticipantDoc> | undefined) ??
  mongoose.model<ParticipantDoc>("Participant", participantSchema);
