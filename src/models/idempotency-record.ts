import mongoose, { Schema, type Types } from "mongoose";

/** Who an answer's token was for (auth/tokens.ts `IssuedToken`): enough to sign it again. */
export interface StoredTokenFor {
  userId: string;
  kind: "user" | "guest";
  version: number;
  /** Expiry, epoch seconds. */
  exp: number;
}

/**
 * One `Idempotency-Key` of one caller on one concrete path: `_id` is a hash of the three. Holds
 * what the request asked (an HMAC under a server key of its body without passwords), the id
 * reserved for what it creates, whether an attempt is in flight, and once answered the answer
 * itself (as JSON text: an answer can hold nested arrays, which stored documents may not) without
 * its token: `token` says who it was for, and a replay signs a fresh one.
 */
export interface IdempotencyRecordDoc {
  _id: string;
  fingerprint: string;
  reservedId: Types.ObjectId;
  /** The attempt running it; only that attempt records or releases. */
  attempt: Types.ObjectId;
  /** Until when the attempt counts as in flight (null once answered or released). */
  lockedUntil: Date | null;
  status: number | null;
  response: string | null;
  /** The answer's token, described (account, kind, version, expiry); never the token itself. */
  token: StoredTokenFor | null;
  expiresAt: Date;
}

// No TTL indexes in the shared MongoDB/FerretDB subset: the cron function deletes expired keys.
const idempotencyRecordSchema = new Schema<IdempotencyRecordDoc>(
  {
    _id: { type: String, required: true },
    fingerprint: { type: String, required: true },
    reservedId: { type: Schema.Types.ObjectId, required: true },
    attempt: { type: Schema.Types.ObjectId, required: true },
    lockedUntil: { type: Date, default: null },
    status: { type: Number, default: null },
    response: { type: String, default: null },
    token: {
      type: new Schema<StoredTokenFor>(
        { userId: String, kind: String, version: Number, exp: Number },
        { _id: false, versionKey: false },
      ),
      default: null,
    },
    expiresAt: { type: Date, required: true, index: true },
  },
  { collection: "idempotencykeys", versionKey: false },
);

// Reused when the module is evaluated again in the same process (tests, dev reloads).
export const IdempotencyRecord =
  (mongoose.models.IdempotencyRecord as mongoose.Model<IdempotencyRecordDoc> | undefined) ??
  mongoose.model<IdempotencyRecordDoc>("IdempotencyRecord", idempotencyRecordSchema);
