import mongoose, { Schema, type Types } from "mongoose";

// A deletion in progress: written before the event document is deleted and kept until the cron
// has swept the event's data once more, RETRY_AFTER_MS later, so a join that was in flight when
// the event went (its seat taken before, its participant inserted after the sweep) leaves nothing
// behind. It also holds `event-deleted` until Pusher takes it: the event's own log is gone.
const deletedEventSchema = new Schema<DeletedEventDoc>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number, required: true },
    deletedAt: { type: Date, required: true, index: true },
    sent: { type: Boolean, default: false },
  },
  { collection: "deletedevents", versionKey: false },
);

/** A deletion in progress (lean); `_id` is the event's id. */
export interface DeletedEventDoc {
  _id: Types.ObjectId;
  /** The seq `event-deleted` goes out under: one more than the event's last. */
  seq: number;
  deletedAt: Date;
  sent: boolean;
}

// Reused when the module is evaluated again in the same process (tests, dev reloads).
export const DeletedEvent =
  (mongoose.models.DeletedEvent as mongoose.Model<DeletedEventDoc> | undefined) ??
  mongoose.model<DeletedEventDoc>("DeletedEvent", deletedEventSchema);
