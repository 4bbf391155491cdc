// Every model, registered with Mongoose by importing its module. `src/db/connection.ts` builds the
// indexes of every registered model, so a model added here (and one must be: the index test
// compares this list with the model files) gets its indexes without a second list to keep.
export { ActivityEntry } from "./activity-entry";
export { Ban } from "./ban";
export { BingoCard } from "./bingo-card";
export { DeletedEvent } from "./deleted-event";
export { DeletedUser } from "./deleted-user";
export { Event } from "./event";
export { IdempotencyRecord } from "./idempotency-record";
export { NameSuffixCounter } from "./name-suffix-counter";
export { Participant } from "./participant";
export { ParticipantConnection } from "./participant-connection";
export { RateLimitWindow } from "./rate-limit-window";
export { User } from "./user";
