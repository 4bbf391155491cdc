import mongoose, { Schema, type Types } from "mongoose";

// The activity log, one document per realtime event: what a phone that was offline reads to catch
// up, and the outbox the cron publishes from. Written right after the publish of the change it
// announces, with `sent` saying whether Pusher took it; each change also keeps its own seq
// (participant.seq, card.achieved), so an entry lost to a crash is rebuilt from its change, with
// the same seq and content; a transition keeps none and is announced again under new seqs.
const activityEntrySchema = new Schema<ActivityEntryDoc>(
  {
    eventId: { type: Schema.Types.ObjectId, required: true },
    seq: { type: Number, required: true },
    event: { type: String, required: true },
    data: { type: Schema.Types.Mixed, required: true },
    at: { type: Date, required: true },
    sent: { type: Boolean, required: true },
    // An unsent entry may be re-sent from this time on: at once when Pusher refused it, later when
    // its publish timed out (Pusher may still take it). A re-sender claims it by moving `dueAt`
    // past its own publish and stamping `claim`, in one conditional update, so of concurrent
    // writes and crons only one sends it.
    dueAt: { type: Date, default: null },
    claim: { type: Schema.Types.ObjectId, default: null },
  },
  { collection: "activity", versionKey: false, minimize: false },
);
activityEntrySchema.index({ eventId: 1, seq: 1 }, { unique: true });
// The cron's search for entries Pusher did not take, and a re-sender's read of what it claimed.
activityEntrySchema.index({ sent: 1, dueAt: 1 });
activityEntrySchema.index({ claim: 1 });

/** A realtime event as recorded in the activity log (lean). */
export interface ActivityEntryDoc {
  _id: Types.ObjectId;
  eventId: Types.ObjectId;
  /** The event's position in its log: 1, 2, 3… per event. */
  seq: number;
  event: string;
  data: Record<string, unknown>;
  at: Date;
  sent: boolean;
  dueAt: Date | null;
  claim: Types.ObjectId | null;
}

// Reused when the module is evaluated again in the same process (tests, dev reloads).
export const ActivityEntry =
  (mongoose.models.ActivityEntry as mongoose.Model<ActivityEntryDoc> | undefined) ??
  mongoose.model<ActivityEntryDoc>("ActivityEntry", activityEntrySchema);
