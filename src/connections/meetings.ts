import type { TokenClaims } from "../auth/tokens";
import { getActiveEventForBingo } from "../bingo/cards";
import { getLeaderboardEntries, type LeaderboardEntry } from "../bingo/leaderboard";
import { ApiError, eventNotFound } from "../errors";
import { isBanned } from "../events/bans";
import { enforceRateLimit, RATE_LIMITS } from "../limits/rate-limit";
import { Event, type EventDoc } from "../models/event";
import { Participant, type ParticipantDoc, type ParticipantEntry } from "../models/participant";
import { leaderboardUpdated, meetingVerified } from "../realtime/messages";
import { announce } from "../realtime/outbox";
import { releaseSeqs, reservedSeqs } from "../realtime/sequence";
import type { RecordMeetingInput } from "../schemas/meeting";
import { findConnectionOrThrow, verifyConnection } from "./connection-store";
import { markSquare, type RecordSquareResult } from "./fill-square";
import { type IssuedMeetingCode, issueMeetingCode, meetingCodeKey, readMeetingCode } from "./meeting-code";
import { givingBackOnRefusal, reserveWithActiveEvent } from "./reservation";

type Person = ParticipantEntry & Pick<ParticipantDoc, "seq" | "photo">;

/**
 * GET …/meeting-code: the caller's code at `now`. Two reads, in parallel: the event (its state)
 * and the caller by the (eventId, userId) index. Nothing is written.
 */
export async function getMeetingCode(
  eventId: string,
  claims: TokenClaims,
  now = Date.now(),
): Promise<IssuedMeetingCode> {
  const [event, caller] = await Promise.all([
    Event.findById(eventId, { currentState: 1 }).lean<Pick<EventDoc, "_id" | "currentState">>(),
    Participant.findOne({ eventId, userId: claims.userId }, { _id: 1, seq: 1 }).lean<Pick<ParticipantDoc, "seq">>(),
  ]);
  if (!event) throw eventNotFound();
  if (!caller) throw new ApiError("forbidden", "Only a participant of this event has a meeting code.");
  if (event.currentState === "ended") throw new ApiError("event_ended", "This event has ended.");
  return issueMeetingCode(meetingCodeKey(), eventId, caller.seq, now);
}

export interface RecordedMeeting {
  meeting: { participantId: string; name: string; verifiedAt: string };
  alreadyMet: boolean;
  bingo: RecordSquareResult | null;
}

/**
 * POST …/meetings: the caller scanned `input.code`. In this order:
 * (1) count the scan against the caller's rate limit (one upsert);
 * (2) one `findAndModify` reads the event (active, grid) and reserves the seqs of
 * `meeting-verified` and the two `leaderboard-updated` (a code that is not valid for now reserves
 * nothing);
 * (3) the caller and the code's owner in one query ((eventId, userId) and (eventId, seq)
 * indexes); every bad code is one `invalid_meeting_code`, and any refusal gives the seqs back;
 * (4) verify both directions of the pair's connection at once (upserts conditional on
 * `verified` not yet true): of two scans of the same pair, whichever request verifies the
 * direction of the smaller participant id announces the meeting and the other answers `alreadyMet`
 * (its seqs become gaps); the other direction is written always, so a retry completes a scan that
 * died halfway (one update of two statements would do both in one command, but FerretDB stops at
 * the first refused statement even when told not to, so a repeat would skip the second);
 * (5) both leaderboard rows (their cards and people met, two queries for both), then publish the
 * three messages and log them (the outbox);
 * (6) with `square`, fill it through the bingo referee (markSquare: its own seqs and messages).
 * A crash between (4) and (5) loses the three messages (the audit counts their seqs as gaps); the
 * pair stays verified and the counts right.
 */
export async function recordMeeting(
  eventId: string,
  claims: TokenClaims,
  input: RecordMeetingInput,
  now = Date.now(),
): Promise<RecordedMeeting & { created: boolean }> {
  await enforceRateLimit(RATE_LIMITS.meetingScansPerParticipant, `${eventId}:${claims.userId}`, now);
  const seq = readMeetingCode(meetingCodeKey(), eventId, input.code, now);
  if (seq === null) {
    // A forged or stale code reserves nothing: the event and the caller are read to answer as
    // every other scan would (404, 409, 403), then the code is refused.
    const event = await getActiveEventForBingo(eventId);
    await readPeople(event._id, claims, null);
    throw invalidMeetingCode();
  }
  const reserved = await reserveWithActiveEvent(eventId, 3);
  const { event, firstSeq } = reserved;
  const { caller, owner, square } = await givingBackOnRefusal(reserved, async () => {
    const { caller, owner } = await readPeople(event._id, claims, seq);
    if (!owner || (await isRefusedMeeting(event, caller, owner))) throw invalidMeetingCode();
    if (owner._id.equals(caller._id)) {
      throw new ApiError("cannot_meet_yourself", "That is your own meeting code: scan someone else's.");
    }
    return { caller, owner, square: squareIndex(event, input.square) };
  });

  const at = new Date(now);
  const [first, second] = caller._id.toHexString() < owner._id.toHexString() ? [caller, owner] : [owner, caller];
  // Both directions at once: the second is written whatever the first did.
  const [met] = await Promise.all([
    verifyConnection({ eventId: event._id, primary: first, secondary: second, at, meetingSeq: firstSeq }),
    verifyConnection({ eventId: event._id, primary: second, secondary: first, at, meetingSeq: null }),
  ]);

  let verifiedAt = at;
  if (met) {
    const [callerEntry, ownerEntry] = (await getLeaderboardEntries(
      [caller, owner],
      event._id,
      event.meetingProof === "scan",
    )) as [LeaderboardEntry, LeaderboardEntry];
    const ids = [caller._id.toHexString(), owner._id.toHexString()] as const;
    await announce(reserved.event, [
      meetingVerified(ids[0], ids[1], firstSeq, at),
      leaderboardUpdated(callerEntry, firstSeq + 1, at),
      leaderboardUpdated(ownerEntry, firstSeq + 2, at),
    ]);
  } else {
    // The pair had met: these seqs announce nothing.
    await releaseSeqs(event._id, reservedSeqs(reserved));
    const stored = await findConnectionOrThrow(event._id, caller._id, owner._id);
    verifiedAt = stored.verifiedAt ?? stored.at;
  }

  let bingo: RecordSquareResult | null = null;
  if (square !== null) {
    const question = event.bingo.grid[square]?.question ?? "";
    const filled = await markSquare(event, caller, owner, square, question);
    bingo = { card: filled.card, achievements: filled.achievements };
  }
  return {
    created: met,
    alreadyMet: !met,
    meeting: { participantId: owner._id.toHexString(), name: owner.name, verifiedAt: verifiedAt.toISOString() },
    bingo,
  };
}

/** The caller (403 unless a participant) and the participant holding `seq`, in one query. */
async function readPeople(
  eventId: EventDoc["_id"],
  claims: TokenClaims,
  seq: number | null,
): Promise<{ caller: Person; owner: Person | undefined }> {
  const people = await Participant.find(
    { eventId, $or: [{ userId: claims.userId }, ...(seq === null ? [] : [{ seq }])] },
    { _id: 1, userId: 1, name: 1, seq: 1, photo: 1 },
  ).lean<Person[]>();
  const caller = people.find((entry) => entry.userId.equals(claims.userId));
  if (!caller) throw new ApiError("forbidden", "Only a participant of this event can record a meeting.");
  return { caller, owner: seq === null ? undefined : people.find((entry) => entry.seq === seq) };
}

/**
 * Whether the host's rules refuse this meeting although the code is good: either side is banned
 * (a ban removes the participant, so this only catches a join that raced its ban). Free for events
 * that never banned anyone; a refusal answers `invalid_meeting_code` like a forged code.
 */
export async function isRefusedMeeting(
  event: Pick<EventDoc, "_id" | "hasBans">,
  caller: ParticipantEntry,
  owner: ParticipantEntry,
): Promise<boolean> {
  if (!event.hasBans) return false;
  const banned = await Promise.all([isBanned(event._id, caller.userId), isBanned(event._id, owner.userId)]);
  return banned.includes(true);
}

export function invalidMeetingCode(): ApiError {
  return new ApiError("invalid_meeting_code", "That meeting code is not valid: ask for the current one.");
}

function squareIndex(event: Pick<EventDoc, "bingo">, square: RecordMeetingInput["square"]): number | null {
  if (!square) return null;
  const size = event.bingo.size;
  const issues = [];
  if (square.row >= size) issues.push({ path: "square.row", message: `must be less than ${size} on this grid` });
  if (square.col >= size) issues.push({ path: "square.col", message: `must be less than ${size} on this grid` });
  if (issues.length > 0) throw new ApiError("invalid_input", "The request is not valid.", issues);
  return square.row * size + square.col;
}
