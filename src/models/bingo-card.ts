import mongoose, { Schema, type Types } from "mongoose";

// A participant's bingo card, kept as an append-only chain of versions: version n is the card
// after its n-th mark, and documents are inserted, never updated. The unique index on
// (participantId, version) lets exactly one request append each version, so "a square is filled
// once", "a person fills one square" and "each achievement is announced once" hold as a unique
// index. A conditional update would not do here: FerretDB's SQLite backend (the offline test
// database) applies an update by reading and rewriting the document, so concurrent updates of one
// document are lost; concurrent inserts that clash on a unique index are refused exactly once.
const markSchema = new Schema(
  {
    square: { type: Number, required: true },
    participantId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { _id: false },
);

const achievedSchema = new Schema(
  {
    seq: { type: Number, required: true },
    achievementType: { type: String, enum: ["line", "card"], required: true },
  },
  { _id: false },
);

const bingoCardSchema = new Schema<BingoCardDoc>(
  {
    participantId: { type: Schema.Types.ObjectId, required: true },
    version: { type: Number, required: true },
    eventId: { type: Schema.Types.ObjectId, required: true, index: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    marks: { type: [markSchema], default: [] },
    lines: { type: [Number], default: [] },
    completed: { type: Boolean, default: false },
    lastMarkAt: { type: Date, required: true },
    achieved: { type: [achievedSchema], default: [] },
    // The seq of the `leaderboard-updated` this version announced (every version announces one).
    leaderboardSeq: { type: Number, default: null },
  },
  { collection: "bingocards" },
);
bingoCardSchema.index({ participantId: 1, version: 1 }, { unique: true });

export interface BingoMark {
  /** Flat row-major index into the event's grid. */
  square: number;
  /** The other participant, met for this square. */
  participantId: Types.ObjectId;
  name: string;
  at: Date;
}

/** A `bingo-achieved` this version announces, under the activity-log seq reserved for it. */
export interface BingoAchieved {
  seq: number;
  achievementType: "line" | "card";
}

/** One version of a participant's bingo card as stored (lean). */
export interface BingoCardDoc {
  _id: Types.ObjectId;
  /** The card's owner (a Participant's _id). */
  participantId: Types.ObjectId;
  /** How many marks this version holds, from 1 up to size². */
  version: number;
  eventId: Types.ObjectId;
  userId: Types.ObjectId;
  name: string;
  marks: BingoMark[];
  /** Completed lines (indexes into bingoLines(size)) as of this version. */
  lines: number[];
  completed: boolean;
  /** When the newest mark was recorded: when the card reached this score. */
  lastMarkAt: Date;
  /** What this version newly achieved, with the seq each was announced under (empty for most). */
  achieved: BingoAchieved[];
  /** The seq of this version's `leaderboard-updated`; null on versions stored before it existed. */
  leaderboardSeq: number | null;
}

// Reused when the module is evaluated again in the same process (tests, dev reloads).
export const BingoCard =
  (mongoose.models.BingoCard as mongoose.Model<BingoCardDoc> | undefined) ??
  mongoose.model<BingoCardDoc>("BingoCard", bingoCardSchema);
