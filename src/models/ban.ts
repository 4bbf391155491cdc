import mongoose, { Schema, type Types } from "mongoose";

// A user the host banned from one event (DELETE …/participants/:participantId?ban=true): their
// joins answer 403 `banned` until the host lifts it (DELETE …/bans/:userId). `name` is the name
// they had in the event, for the host's list. Deleted with the event.
const banSchema = new Schema<BanDoc>(
  {
    eventId: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    bannedAt: { type: Date, required: true },
  },
  { collection: "eventbans", versionKey: false },
);
// One ban per user per event; the join's check and the host's list (bannedAt order is by _id).
banSchema.index({ eventId: 1, userId: 1 }, { unique: true });

/** A ban as stored (lean). */
export interface BanDoc {
  _id: Types.ObjectId;
  eventId: Types.ObjectId;
  userId: Types.ObjectId;
  name: string;
  bannedAt: Date;
}

// Reused when the module is evaluated again in the same process (tests, dev reloads).
export const Ban =
  (mongoose.models.Ban as mongoose.Model<BanDoc> | undefined) ?? mongoose.model<BanDoc>("Ban", banSchema);
