import mongoose, { Schema, type Types } from "mongoose";

// A participant's bingo card, keyed by the participant id from the event's `participants` list.
// Created on the first recorded square. Each rule two requests could race on (a square filled
// twice, one person used on two squares) is a condition of the single update that records it.
const markSchema = new Schema(
  {
    square: { type: Number, required: true },
    participantId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { _id: false },
);

const participantSchema = new Schema<ParticipantDoc>({
  eventId: { type: Schema.Types.ObjectId, required: true, index: true },
  userId: { type: Schema.Types.ObjectId, required: true },
  name: { type: String, required: true },
  marks: { type: [markSchema], default: [] },
  squares: { type: [Number], default: [] },
  metIds: { type: [Schema.Types.ObjectId], default: [] },
  lines: { type: [Number], default: [] },
  completed: { type: Boolean, default: false },
  lastMarkAt: { type: Date, default: null },
});

export interface BingoMark {
  square: number;
  participantId: Types.ObjectId;
  name: string;
  at: Date;
}

/** A participant's bingo card as stored (lean). */
export interface ParticipantDoc {
  _id: Types.ObjectId;
  eventId: Types.ObjectId;
  userId: Types.ObjectId;
  name: string;
  marks: BingoMark[];
  squares: number[];
  metIds: Types.ObjectId[];
  lines: number[];
  completed: boolean;
  lastMarkAt: Date | null;
}

// Reused when the module is evaluated again in the same process (tests, dev reloads).
export const Participant =
  (mongoose.models.Participant as mongoose.Model<ParticipantDoc> | undefined) ??
  mongoose.model<ParticipantDoc>("Participant", participantSchema);
