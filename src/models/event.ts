import mongoose, { Schema, type Types } from "mongoose";

export const EVENT_STATES = ["pending", "active", "ended"] as const;
export type EventState = (typeof EVENT_STATES)[number];

// An event without maxParticipant still counts down seats from this, so that one conditional
// update can both check capacity and take a seat (the shared subset has no `$expr`).
export const UNLIMITED_SEATS = 1_000_000_000;

// How a bingo mark proves a meeting: the caller's word, or a scanned meeting code (issue 18).
export const MEETING_PROOFS = ["claim", "scan"] as const;
export type MeetingProof = (typeof MEETING_PROOFS)[number];

const bingoSquareSchema = new Schema(
  { question: { type: String, required: true }, shortQuestion: { type: String } },
  { _id: false },
);

// The event document holds only what is bounded: settings, state, the grid and counters. Its
// counters are the arbiters of the multi-document steps: one conditional `$inc` takes a seat
// (`openSeats > 0`) and reserves the next activity-log `seq` (`lastSeq`) together. Participants,
// the activity log and bingo cards are documents of their own (docs/data-model.md).
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
    meetingProof: { type: String, enum: MEETING_PROOFS, default: "claim" },
    openSeats: { type: Number, required: true },
    participantCount: { type: Number, default: 0 },
    currentState: { type: String, enum: EVENT_STATES, default: "pending" },
    startedAt: { type: Date, default: null },
    endedAt: { type: Date, default: null },
    createdBy: { type: Schema.Types.ObjectId, required: true },
    bingo: {
      size: { type: Number, required: true },
      grid: { type: [bingoSquareSchema], required: true },
      // The host's note about the grid (the dashboard's bingo editor); "" when none.
      description: { type: String },
    },
    // The last activity-log seq handed out, and how many of those were abandoned (a refused join
    // gives its seat back but not its seq): lastSeq - seqGaps entries belong in the log.
    lastSeq: { type: Number, default: 0 },
    seqGaps: { type: Number, default: 0 },
    // Writes in flight: taken with their seq, given back when every step is stored (or with the
    // gap of a refused one). Above 0 on an event quiet for RETRY_AFTER_MS, a write was cut: the
    // next request to the event, or the cron, repairs it (jobs/heal.ts) and sets it to 0.
    inFlight: { type: Number, default: 0 },
    // The repair holding the event until then (one conditional update claims it).
    repairClaimedUntil: { type: Date, default: null },
    // The cron run that claimed it with others at once (one token per batch; see jobs/heal.ts).
    repairClaim: { type: Schema.Types.ObjectId, default: null },
    // When the earliest unsent entry of this event's activity is due for re-sending: the next
    // write to the event from then on re-sends it.
    resendDueAt: { type: Date, default: null },
    // The last state whose transition the cron found announced in the log (jobs/unlogged-
    // transitions.ts), so each transition is checked once, however many there are.
    transitionChecked: { type: String, enum: ["active", "ended", null], default: null },
    // The host's doors (issue 19): joins refused while locked (people already in carry on), and
    // guest joins refused when guests are not allowed. Conditions of the join's seat `$inc`.
    joinsLocked: { type: Boolean, default: false },
    guestsAllowed: { type: Boolean, default: true },
    // Set (never cleared) when the first ban of the event is recorded: only then does a join read
    // the bans (models/ban.ts). A lifted last ban leaves it set: one indexed read, never a miss.
    hasBans: { type: Boolean, default: false },
  },
  { timestamps: true },
);

// A code of an ended event still finds it (newest first), so a late scan says "Completed".
eventSchema.index({ joinCode: 1, createdAt: -1 });
// The events a host created, newest first (the dashboard's list, paged by _id).
eventSchema.index({ createdBy: 1, _id: -1 });
// The cron's backstop: events with a write cut, oldest first.
eventSchema.index({ inFlight: 1, updatedAt: 1 });

export interface BingoSquare {
  question: string;
  shortQuestion?: string;
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
  /** Absent on events stored before issue 18: "claim". */
  meetingProof?: MeetingProof;
  openSeats: number;
  participantCount: number;
  currentState: EventState;
  startedAt: Date | null;
  endedAt: Date | null;
  createdBy: Types.ObjectId;
  lastSeq: number;
  seqGaps: number;
  inFlight: number;
  repairClaimedUntil: Date | null;
  repairClaim?: Types.ObjectId | null;
  resendDueAt: Date | null;
  transitionChecked?: "active" | "ended" | null;
  joinsLocked?: boolean;
  guestsAllowed?: boolean;
  hasBans?: boolean;
  bingo: { size: number; grid: BingoSquare[]; description?: string };
  createdAt: Date;
  updatedAt: Date;
}

// Reused when the module is evaluated again in the same process (tests, dev reloads).
export const Event =
  (mongoose.models.Event as mongoose.Model<EventDoc> | undefined) ?? mongoose.model<EventDoc>("Event", eventSchema);
