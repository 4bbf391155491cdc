import mongoose, { Schema, type Types } from "mongoose";

export const EVENT_STATES = ["pending", "active", "ended"] as const;
export type EventState = (typeof EVENT_STATES)[number];

// An event without maxParticipant still counts down seats from this, so that one conditional
// update can both check capacity and take a seat (the shared subset has no `$expr`).
export const UNLIMITED_SEATS = 1_000_000_000;

const participantEntrySchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
  },
  { _id: false },
);

const bingoSquareSchema = new Schema(
  { question: { type: String, required: true }, shortQuestion: { type: String } },
  { _id: false },
);

const activityEntrySchema = new Schema(
  {
    event: { type: String, required: true },
    data: { type: Schema.Types.Mixed, required: true },
    at: { type: Date, required: true },
    sent: { type: Boolean, required: true },
  },
  { _id: false },
);

// The event document is the authority on who is in it: `participants` (join order), their
// lower-cased `nameKeys`, `openSeats` and `participantCount` change together in one atomic
// update per join, which is what keeps capacity and name uniqueness exact under concurrency.
const eventSchema = new Schema<EventDoc>(
  {
    name: { type: String, required: true },
    description: { type: String, default: "" },
    joinCode: { type: String, required: true },
    // The join code while the event has not ended, released when it ends (see events/join-codes).
    joinCodeKey: { type: String, required: true, unique: true },
    startDate: { type: Date, default: null },
    endDate: { type: Date, default: null },
    maxParticipant: { type: Number, default: null },
    openSeats: { type: Number, required: true },
    participantCount: { type: Number, default: 0 },
    currentState: { type: String, enum: EVENT_STATES, default: "pending" },
    startedAt: { type: Date, default: null },
    endedAt: { type: Date, default: null },
    createdBy: { type: Schema.Types.ObjectId, required: true, index: true },
    participants: { type: [participantEntrySchema], default: [] },
    nameKeys: { type: [String], default: [] },
    // Per clashing name (hex of its key), the last suffix handed out: "Sam (2)", "Sam (3)"…
    nameSuffixes: { type: Schema.Types.Mixed, default: {} },
    bingo: {
      size: { type: Number, required: true },
      grid: { type: [bingoSquareSchema], required: true },
      // The host's note about the grid (the dashboard's bingo editor); "" when none.
      description: { type: String },
    },
    // The outbox of realtime events, appended by the same update as the change it announces,
    // so a change is never committed without its event. Never shortened: seq = index + 1.
    activity: { type: [activityEntrySchema], default: [] },
  },
  { timestamps: true },
);

// A code of an ended event still finds it (newest first), so a late scan says "Completed".
eventSchema.index({ joinCode: 1, createdAt: -1 });
// Profile visibility asks whether two users share an event.
eventSchema.index({ "participants.userId": 1 });
// The cron function looks for events with unpublished activity.
eventSchema.index({ "activity.sent": 1 });

export interface ParticipantEntry {
  _id: Types.ObjectId;
  userId: Types.ObjectId;
  name: string;
}

export interface BingoSquare {
  question: string;
  shortQuestion?: string;
}

/** A realtime event as recorded in the event's activity log; its `seq` is its position + 1. */
export interface ActivityEntry {
  event: string;
  data: Record<string, unknown>;
  at: Date;
  sent: boolean;
}

/** An event as stored (lean). */
export interface EventDoc {
  _id: Types.ObjectId;
  name: string;
  description: string;
  joinCode: string;
  joinCodeKey: string;
  startDate: Date | null;
  endDate: Date | null;
  maxParticipant: number | null;
  openSeats: number;
  participantCount: number;
  currentState: EventState;
  startedAt: Date | null;
  endedAt: Date | null;
  createdBy: Types.ObjectId;
  participants: ParticipantEntry[];
  nameKeys: string[];
  nameSuffixes?: Record<string, number>;
  bingo: { size: number; grid: BingoSquare[]; description?: string };
  activity: ActivityEntry[];
  createdAt: Date;
  updatedAt: Date;
}

// Reused when the module is evaluated again in the same process (tests, dev reloads).
export const Event =
  (mongoose.models.Event as mongoose.Model<EventDoc> | undefined) ?? mongoose.model<EventDoc>("Event", eventSchema);
