import { randomBytes } from "node:crypto";
import mongoose from "mongoose";

/**
 * A new id for a document whose id is ever shown (events, participants, users). A default
 * ObjectId is 4 bytes of time in seconds, 5 bytes per process and a +1 counter, so ids made by one
 * warm function are a few hundred guesses apart. This one keeps the 4 bytes of seconds, then 2
 * bytes of the millisecond within that second (so lists sorted by `_id` stay in creation order
 * and cursors still page by it, as with the counter), then 6 bytes from the cryptographic random
 * source: knowing one id says nothing about the next (docs/security.md, "Guessing ids").
 */
export function newDocumentId(now = Date.now()): mongoose.Types.ObjectId {
  const bytes = Buffer.alloc(12);
  bytes.writeUInt32BE(Math.floor(now / 1000) >>> 0, 0);
  bytes.writeUInt16BE(now % 1000, 4);
  randomBytes(6).copy(bytes, 6);
  return new mongoose.Types.ObjectId(bytes);
}
