import mongoose, { Schema, type Types } from "mongoose";

// An account deletion in progress (DELETE /api/users/me, a guest past retention): written before
// the account document goes and dropped once everything under it is gone, so the cron finishes a
// deletion whose request died halfway. It lists the participations the account had when the
// deletion began: once a participant is removed nothing else leads from the user to its event.
// It holds the user's id (its `_id`) for as long as the deletion runs, and nothing else of theirs.
const participationSchema = new Schema(
  {
    eventId: { type: Schema.Types.ObjectId, required: true },
    participantId: { type: Schema.Types.ObjectId, required: true },
  },
  { _id: false },
);

const deletedUserSchema = new Schema<DeletedUserDoc>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    participations: { type: [participationSchema], default: [] },
    deletedAt: { type: Date, required: true, index: true },
  },
  { collection: "deletedusers", versionKey: false },
);

export interface Participation {
  eventId: Types.ObjectId;
  participantId: Types.ObjectId;
}

/** An account deletion in progress (lean); `_id` is the user's id. */
export interface DeletedUserDoc {
  _id: Types.ObjectId;
  participations: Participation[];
  deletedAt: Date;
}

// Reused when the module is evaluated again in the same process (tests, dev reloads).
export const DeletedUser =
  (mongoose.models.DeletedUser as mongoose.Model<DeletedUserDoc> | undefined) ??
  mongoose.model<DeletedUserDoc>("DeletedUser", deletedUserSchema);
