import mongoose, { Schema } from "mongoose";

/** One fixed window of one rate limit: `_id` is `<limit>:<subject>:<window start ms>`. */
export interface RateLimitWindowDoc {
  _id: string;
  count: number;
  expiresAt: Date;
}

// No TTL indexes in the shared MongoDB/FerretDB subset: the cron function deletes old windows.
const rateLimitWindowSchema = new Schema<RateLimitWindowDoc>(
  {
    _id: { type: String, required: true },
    count: { type: Number, required: true },
    expiresAt: { type: Date, required: true, index: true },
  },
  { versionKey: false },
);

// Reused when the module is evaluated again in the same process (tests, dev reloads).
export const RateLimitWindow =
  (mongoose.models.RateLimitWindow as mongoose.Model<RateLimitWindowDoc> | undefined) ??
  mongoose.model<RateLimitWindowDoc>("RateLimitWindow", rateLimitWindowSchema);
