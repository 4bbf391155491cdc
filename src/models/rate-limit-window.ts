import mongoose, { Schema } from "mongoose";

/** One fixed window of one rate limit: `_id` is `<limit>:<subject>:<window start ms>`. */
export interface RateLimitWindowDoc {
  _id: string;
  count: number;
  expiresAt: Date;
  /**
   * Guest joins per minute from the IP of an event-miss window (`m<minute start ms>`): counted in the
   * same document as the misses, so one command both counts a guest join and reads the misses.
   */
  guestJoins?: Record<string, number>;
}

// No TTL indexes in the shared MongoDB/FerretDB subset: the cron function deletes old windows.
const rateLimitWindowSchema = new Schema<RateLimitWindowDoc>(
  {
    _id: { type: String, required: true },
    count: { type: Number, required: true },
    expiresAt: { type: Date, required: true, index: true },
    guestJoins: { type: Schema.Types.Mixed },
  },
  { versionKey: false },
);

// Reused when the module is evaluated again in the same process (tests, dev reloads).
export const RateLimitWindow =
  (mongoose.models.RateLimitWindow as mongoose.Model<RateLimitWindowDoc> | undefined) ??
  mongoose.model<RateLimitWindowDoc>("RateLimitWindow", rateLimitWindowSchema);
