import { randomBytes } from "node:crypto";
import mongoose from "mongoose";

/**
 * A new id for a document whose id is ever shown (events, participants, users): an ObjectId whose
 * first 4 bytes are the creation time in seconds, as a default one's are (so lists still sort by
 * `_id` and a cursor still pages by it), and whose other 8 bytes come from the cryptographic
 * random source instead of a per-process value and a +1 counter, so knowing one id says nothing
 * about the next (docs/security.md, "Guessing ids").
 */
export function newDocumentId(now = Date.now()): mongoose.Types.ObjectId {
  const bytes = Buffer.alloc(12);
  bytes.writeUInt32BE(Math.floor(now / 1000) >>> 0, 0);
  randomBytes(8).copy(bytes, 4);
  return new mongoose.Types.ObjectId(bytes);
}
