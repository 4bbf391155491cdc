import mongoose, { Schema, type Types } from "mongoose";

// "The primary participant met the secondary one": one document per pair direction, under a
// unique (eventId, primaryParticipantId, secondaryParticipantId) index, so of two racing requests
// for the same pair exactly one inserts it. The one update a document gets is `verified` turning
// true when the pair's meeting is verified by a scanned code (a refused bingo fill deletes the
// document it inserted, see src/connections). `seq` is the activity-log position of
// the `leaderboard-updated` this connection announced; null when a bingo mark made it (the card
// version then holds that seq).
const participantConnectionSchema = new Schema<ParticipantConnectionDoc>(
  {
    eventId: { type: Schema.Types.ObjectId, required: true },
    primaryParticipantId: { type: Schema.Types.ObjectId, required: true },
    secondaryParticipantId: { type: Schema.Types.ObjectId, required: true },
    // The secondary participant's user and in-event name, so "people met" needs no lookup of them.
    secondaryUserId: { type: Schema.Types.ObjectId, required: true },
    secondaryName: { type: String, required: true },
    description: { type: String, required: true },
    // The bingo square (row-major) this meeting filled, or null for a meeting only.
    square: { type: Number, default: null },
    seq: { type: Number, default: null },
    at: { type: Date, required: true },
    // True once one of the two scanned the other's meeting code (issue 18); absent before it.
    verified: { type: Boolean, default: false },
    verifiedAt: { type: Date, default: null },
    // On the direction whose update decided the meeting: the seq of its `meeting-verified`.
    meetingSeq: { type: Number, default: null },
  },
  { collection: "participantconnections", versionKey: false },
);
// Also serves "the people a participant met" (eventId, primaryParticipantId) and the leaderboard's
// count per participant (eventId).
participantConnectionSchema.index({ eventId: 1, primaryParticipantId: 1, secondaryParticipantId: 1 }, { unique: true });

/** A connection as stored (lean). */
export interface ParticipantConnectionDoc {
  _id: Types.ObjectId;
  eventId: Types.ObjectId;
  primaryParticipantId: Types.ObjectId;
  secondaryParticipantId: Types.ObjectId;
  secondaryUserId: Types.ObjectId;
  secondaryName: string;
  description: string;
  square: number | null;
  seq: number | null;
  at: Date;
  /** Absent on connections stored before issue 18: false. */
  verified?: boolean;
  verifiedAt?: Date | null;
  meetingSeq?: number | null;
}

// Reused when the module is evaluated again in the same process (tests, dev reloads).
export const ParticipantConnection =
  (mongoose.models.ParticipantConnection as mongoose.Model<ParticipantConnectionDoc> | undefined) ??
  mongoose.model<ParticipantConnectionDoc>("ParticipantConnection", participantConnectionSchema);
