import { describe, expect, it } from "vitest";
import {
  deriveMeetingCodeKey,
  issueMeetingCode,
  MAX_MEETING_SEQ,
  MEETING_CODE_LENGTH,
  MEETING_CODE_WINDOW_MS,
  readMeetingCode,
} from "../src/connections/meeting-code";

// The meeting code's pure functions, with the clock passed in: no database, no sleeping.

const key = deriveMeetingCodeKey("a-test-secret-of-at-least-thirty-two-characters");
const eventId = "65a1b2c3d4e5f60718293a4b";
const otherEventId = "65a1b2c3d4e5f60718293a4c";
// The start of some window, and a moment 15 s into it.
const windowStart = 29_000_000 * MEETING_CODE_WINDOW_MS;
const now = windowStart + 15_000;

describe("meeting codes", () => {
  it("a code is 12 characters of Crockford base32, without I, L, O or U", () => {
    for (const seq of [1, 2, 77, 4_096, MAX_MEETING_SEQ]) {
      const { code } = issueMeetingCode(key, eventId, seq, now);
      expect(code).toHaveLength(MEETING_CODE_LENGTH);
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{12}$/);
    }
  });

  it("your own code reads back as your seq, in any case, with hyphens or spaces, O for 0 and I or L for 1", () => {
    const { code } = issueMeetingCode(key, eventId, 42, now);
    expect(readMeetingCode(key, eventId, code, now)).toBe(42);
    expect(readMeetingCode(key, eventId, code.toLowerCase(), now)).toBe(42);
    expect(readMeetingCode(key, eventId, `${code.slice(0, 4)}-${code.slice(4, 8)} ${code.slice(8)}`, now)).toBe(42);
    const lookAlikes = code.replaceAll("0", "o").replaceAll("1", "l");
    expect(readMeetingCode(key, eventId, lookAlikes, now)).toBe(42);
  });

  it("expiresAt and refreshAt: refresh at the end of the window, expire a window later (60 to 120 s)", () => {
    const issued = issueMeetingCode(key, eventId, 7, now);
    expect(issued.refreshAt.getTime()).toBe(windowStart + MEETING_CODE_WINDOW_MS);
    expect(issued.expiresAt.getTime()).toBe(windowStart + 2 * MEETING_CODE_WINDOW_MS);
    const lifetime = issued.expiresAt.getTime() - now;
    expect(lifetime).toBeGreaterThanOrEqual(60_000);
    expect(lifetime).toBeLessThanOrEqual(120_000);
  });

  it("a code is accepted until expiresAt and refused from then on (an expired code is null)", () => {
    const issued = issueMeetingCode(key, eventId, 7, now);
    expect(readMeetingCode(key, eventId, issued.code, issued.expiresAt.getTime() - 1)).toBe(7);
    expect(readMeetingCode(key, eventId, issued.code, issued.expiresAt.getTime())).toBeNull();
    expect(readMeetingCode(key, eventId, issued.code, now + 10 * MEETING_CODE_WINDOW_MS)).toBeNull();
    // Four windows later the window bits match again; the MAC over the full window number does not.
    expect(readMeetingCode(key, eventId, issued.code, now + 4 * MEETING_CODE_WINDOW_MS)).toBeNull();
    // A code from the future (a clock ahead) is refused too.
    expect(readMeetingCode(key, eventId, issued.code, now - MEETING_CODE_WINDOW_MS)).toBeNull();
  });

  it("another event's code is refused", () => {
    const { code } = issueMeetingCode(key, otherEventId, 7, now);
    expect(readMeetingCode(key, eventId, code, now)).toBeNull();
  });

  it("a code made with another secret is refused (it cannot be made without the server's)", () => {
    const forger = deriveMeetingCodeKey("someone-elses-secret-of-thirty-two-characters!");
    const { code } = issueMeetingCode(forger, eventId, 7, now);
    expect(readMeetingCode(key, eventId, code, now)).toBeNull();
  });

  it("a forged code: any one character changed, or another seq with the same MAC, is refused", () => {
    const { code } = issueMeetingCode(key, eventId, 7, now);
    const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    for (let i = 0; i < code.length; i++) {
      const current = code[i] ?? "";
      const replacement = alphabet[(alphabet.indexOf(current) + 1) % 32] ?? "";
      const forged = code.slice(0, i) + replacement + code.slice(i + 1);
      expect(readMeetingCode(key, eventId, forged, now), forged).toBeNull();
    }
  });

  it("malformed codes are refused: wrong length, U, punctuation, empty", () => {
    const { code } = issueMeetingCode(key, eventId, 7, now);
    for (const bad of ["", code.slice(1), `${code}0`, `U${code.slice(1)}`, `!${code.slice(1)}`, "000000000000"]) {
      expect(readMeetingCode(key, eventId, bad, now), bad).toBeNull();
    }
  });

  it("seqs out of what a code carries are refused when issuing", () => {
    expect(() => issueMeetingCode(key, eventId, 0, now)).toThrow(RangeError);
    expect(() => issueMeetingCode(key, eventId, MAX_MEETING_SEQ + 1, now)).toThrow(RangeError);
  });
});
