import mongoose, { Schema } from "mongoose";

/** Per event and clashing name, the last suffix handed out: `_id` is `<eventId>:<hex of the name key>`. */
export interface NameSuffixCounterDoc {
  _id: string;
  last: number;
}

// Its own small documents rather than a map on the event, so the event stays bounded however many
// different names clash.
const nameSuffixCounterSchema = new Schema<NameSuffixCounterDoc>(
  {
    _id: { type: String, required: true },
    last: { type: Number, required: true },
  },
  { collection: "namesuffixcounters", versionKey: false },
);

// Reused when the module is evaluated again in the same process (tests, dev reloads).
export const NameSuffixCounter =
  (mongoose.models.NameSuffixCounter as mongoose.Model<NameSuffixCounterDoc> | undefined) ??
  mongoose.model<NameSuffixCounterDoc>("NameSuffixCounter", nameSuffixCounterSchema);
