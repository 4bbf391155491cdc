import mongoose, { Schema, type Types } from "mongoose";

/** "event": everyone who shares an event; "met": people met and hosts of my events; "private": name only. */
export const PROFILE_VISIBILITIES = ["event", "met", "private"] as const;
export type ProfileVisibility = (typeof PROFILE_VISIBILITIES)[number];

const socialLinksSchema = new Schema(
  {
    linkedin: { type: String },
    github: { type: String },
    other: { type: [new Schema({ label: String, url: String }, { _id: false })], default: undefined },
  },
  { _id: false },
);

// Registered users and guests live in one collection so a token's userId always resolves here.
// `emailKey` is unique; the shared MongoDB/FerretDB subset has no partial indexes, so a guest
// holds a key of its own (`guest:<id>`) instead of leaving the field empty.
const userSchema = new Schema<UserDoc>(
  {
    name: { type: String, required: true },
    email: { type: String },
    emailKey: { type: String, required: true, unique: true },
    passwordHash: { type: String, select: false },
    // Raised by POST /api/auth/logout-all: tokens carrying a lower version are refused.
    tokenVersion: { type: Number },
    authProvider: { type: String, enum: ["local", "guest"], required: true },
    organization: { type: String },
    title: { type: String },
    bio: { type: String },
    profilePhoto: { type: String },
    socialLinks: { type: socialLinksSchema },
    // Who sees the profile beyond the name (src/users/visibility.ts); absent means "event".
    profileVisibility: { type: String, enum: PROFILE_VISIBILITIES },
    // Guests only: when the cron last found one of their events within GUEST_RETENTION_DAYS.
    retentionCheckedAt: { type: Date },
  },
  { timestamps: true },
);

export interface SocialLinks {
  linkedin?: string;
  github?: string;
  other?: { label: string; url: string }[];
}

/** A user as stored (lean); `passwordHash` only when selected. */
export interface UserDoc {
  _id: Types.ObjectId;
  name: string;
  email?: string;
  emailKey: string;
  passwordHash?: string;
  /** Absent until the first logout-all: 0. */
  tokenVersion?: number;
  authProvider: "local" | "guest";
  organization?: string;
  title?: string;
  bio?: string;
  profilePhoto?: string;
  socialLinks?: SocialLinks;
  profileVisibility?: ProfileVisibility;
  retentionCheckedAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

// Reused when the module is evaluated again in the same process (tests, dev reloads).
export const User =
  (mongoose.models.User as mongoose.Model<UserDoc> | undefined) ?? mongoose.model<UserDoc>("User", userSchema);

export function guestEmailKey(userId: mongoose.Types.ObjectId): string {
  return `guest:${userId.toHexString()}`;
}
