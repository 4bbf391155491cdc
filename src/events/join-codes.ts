import { randomInt } from "node:crypto";
import type { Types } from "mongoose";
import { env } from "../env";

// Join codes are JOIN_CODE_DIGITS digits (4 for the app's QR scanner, 8 by default) and unique
// among events that have not ended. The unique index is on `joinCodeKey`, not on the code: it
// holds the code while the event is pending or active and is released when the event ends
// (the shared MongoDB/FerretDB subset has no partial index to say "unique unless ended").

/** A fresh code of JOIN_CODE_DIGITS digits, leading zeros included ("0042"). */
export function newJoinCode(digits = env.JOIN_CODE_DIGITS): string {
  return String(randomInt(0, 10 ** digits)).padStart(digits, "0");
}

/** What `joinCodeKey` becomes when the event ends: unique to the event, never a code. */
export function releasedJoinCodeKey(eventId: Types.ObjectId | string): string {
  return `released:${String(eventId)}`;
}
