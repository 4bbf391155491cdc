import { createHmac, timingSafeEqual } from "node:crypto";
import { env } from "../env";

// A participant's meeting code (issue 18), derived, never stored: 12 characters of Crockford
// base32 holding 60 bits, read as
//   window (2 bits) | seq (26 bits) | MAC (32 bits)
// `seq` is the participant's per-event seq (the unique (eventId, seq) index finds them in one
// read); `window` the low bits of the minute it was issued; the MAC an HMAC-SHA256, truncated, of
// (eventId, seq, full window number) under a key derived from JWT_SECRET for this purpose only.
// A code issued in window w is accepted in w and w + 1: it lives 60 to 120 s. The functions here
// are pure apart from the key (passed in, or derived from the environment) and take the clock as
// an argument. See docs/meetings.md.

export const MEETING_CODE_WINDOW_MS = 60_000;
export const MEETING_CODE_LENGTH = 12;
const SEQ_BITS = 26n;
const MAC_BITS = 32n;
/** The largest seq a code can carry: 2^26 - 1, far beyond the activity log of any event we plan for. */
export const MAX_MEETING_SEQ = Number((1n << SEQ_BITS) - 1n);

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
// Crockford decoding: case-insensitive, O reads as 0, I and L as 1; hyphens and spaces are ignored.
const DECODE = new Map<string, number>([
  ...[...ALPHABET].map((char, value) => [char, value] as const),
  ["O", 0],
  ["I", 1],
  ["L", 1],
]);

export interface IssuedMeetingCode {
  code: string;
  /** When the code stops being accepted (the end of the window after the one it was issued in). */
  expiresAt: Date;
  /** When the phone should ask for the next code (the end of the window it was issued in). */
  refreshAt: Date;
}

/** The key of meeting codes: derived from `secret` with a purpose label, so it signs nothing else. */
export function deriveMeetingCodeKey(secret: string): Buffer {
  return createHmac("sha256", secret).update("shatter/meeting-code/v1").digest();
}

let envKey: Buffer | undefined;

/** The key derived from JWT_SECRET, computed once. */
export function meetingCodeKey(): Buffer {
  envKey ??= deriveMeetingCodeKey(env.JWT_SECRET);
  return envKey;
}

function mac(key: Buffer, eventId: string, seq: number, window: number): bigint {
  const digest = createHmac("sha256", key).update(`${eventId}:${seq}:${window}`).digest();
  return BigInt(digest.readUInt32BE(0));
}

/** The code of the participant with `seq` in `eventId`, at `now`. */
export function issueMeetingCode(key: Buffer, eventId: string, seq: number, now: number): IssuedMeetingCode {
  if (!Number.isInteger(seq) || seq < 1 || seq > MAX_MEETING_SEQ) throw new RangeError(`seq ${seq} out of range`);
  const window = Math.floor(now / MEETING_CODE_WINDOW_MS);
  const value =
    (BigInt(window & 0b11) << (SEQ_BITS + MAC_BITS)) | (BigInt(seq) << MAC_BITS) | mac(key, eventId, seq, window);
  return {
    code: encode(value),
    refreshAt: new Date((window + 1) * MEETING_CODE_WINDOW_MS),
    expiresAt: new Date((window + 2) * MEETING_CODE_WINDOW_MS),
  };
}

/**
 * The seq the code was issued for, when the code was made with `key` for `eventId` and is still
 * valid at `now`; null for anything else (malformed, forged, expired, another event's), alike.
 */
export function readMeetingCode(key: Buffer, eventId: string, code: string, now: number): number | null {
  const value = decode(code);
  if (value === null) return null;
  const windowBits = Number(value >> (SEQ_BITS + MAC_BITS));
  const seq = Number((value >> MAC_BITS) & ((1n << SEQ_BITS) - 1n));
  const current = Math.floor(now / MEETING_CODE_WINDOW_MS);
  // Of the two windows a live code can come from, the one with those low bits (if any).
  const window = [current, current - 1].find((candidate) => (candidate & 0b11) === windowBits);
  if (window === undefined || seq < 1) return null;
  const expected = Buffer.alloc(4);
  expected.writeUInt32BE(Number(mac(key, eventId, seq, window)));
  const given = Buffer.alloc(4);
  given.writeUInt32BE(Number(value & ((1n << MAC_BITS) - 1n)));
  return timingSafeEqual(expected, given) ? seq : null;
}

function encode(value: bigint): string {
  let out = "";
  for (let i = MEETING_CODE_LENGTH - 1; i >= 0; i--) out += ALPHABET[Number((value >> BigInt(i * 5)) & 31n)];
  return out;
}

function decode(code: string): bigint | null {
  const chars = code.toUpperCase().replace(/[\s-]/g, "");
  if (chars.length !== MEETING_CODE_LENGTH) return null;
  let value = 0n;
  for (const char of chars) {
    const digit = DECODE.get(char);
    if (digit === undefined) return null;
    value = (value << 5n) | BigInt(digit);
  }
  return value;
}
