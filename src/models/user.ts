import mongoose, { Schema, type Types } from "mongoose";

// Registered users and guests live in one collection so a token's userId always resolves here.
// `emailKey` is unique; the shared MongoDB/FerretDB subset has no partial indexes, so a guest
// holds a key of its own (`guest:<id>`) instead of leaving the field empty.
const userSchema = new Schema<UserDoc>(
  {
    name: { type: String, required: true },
    email: { type: String },
    emailKey: { type: String, required: true, unique: true },
    passwordHash: { type: String, select: false },
    authProvider: { type: String, enum: ["local", "guest"], required: true },
    organization: { type: String },
    title: { type: String },
    socialLinks: { type: Schema.Types.Mixed },
  },
  { timestamps: true },
);

/** A user as stored (lean); `passwordHash` only when selected. */
export interface UserDoc {
  _id: Types.ObjectId;
  name: string;
  email?: string;
  emailKey: string;
  passwordHash?: string;
  authProvider: "local" | "guest";
  organization?: string;
  title?: string;
  socialLinks?: unknown;
  createdAt: Date;
  updatedAt: Date;
}

// Reused when the module is evaluated again in the same process (tests, dev reloads).
export const User =
  (mongoose.models.User as mongoose.Model<UserDoc> | undefined) ?? mongoose.model<UserDoc>("User", userSchema);

export function guestEmailKey(userId: mongoose.Types.ObjectId): string {
  return `guest:${userId.toHexString()}`;
}
