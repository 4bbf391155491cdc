import type { TokenClaims } from "../auth/tokens";
import { ApiError, type ErrorIssue } from "../errors";
import type { EventDoc } from "../models/event";
import { Participant, type ParticipantEntry, type ParticipantWithPhoto } from "../models/participant";
import type { RecordBingoSquareInput } from "../schemas/bingo";
import { hasVerifiedMeeting } from "./connection-store";
import { markSquare, type RecordSquareResult } from "./fill-square";
import { givingBackOnRefusal, reserveWithActiveEvent } from "./reservation";

// POST …/bingo as a request: who may mark what, checked before the referee (fill-square.ts) fills
// the square.

/**
 * POST …/bingo: the caller met `participantId` and says they fit square (row, col). One
 * `findAndModify` reads the event (state, grid) and reserves the seq of the mark's
 * `leaderboard-updated` together (the state is its condition); then the caller and the other
 * person in one query ((eventId, userId) and _id indexes), then the mark (markSquare). A request
 * refused after the reservation gives its seq back (connections/reservation.ts).
 */
export async function recordBingoSquare(
  eventId: string,
  claims: TokenClaims,
  input: RecordBingoSquareInput,
): Promise<RecordSquareResult> {
  const reserved = await reserveWithActiveEvent(eventId, 1);
  const { event } = reserved;
  const size = event.bingo.size;
  const { caller, other } = await givingBackOnRefusal(reserved, async () => {
    const people = await Participant.find(
      { eventId: event._id, $or: [{ userId: claims.userId }, { _id: input.participantId }] },
      { _id: 1, userId: 1, name: 1, photo: 1 },
    ).lean<ParticipantWithPhoto[]>();
    const caller = people.find((entry) => entry.userId.equals(claims.userId));
    if (!caller) throw new ApiError("forbidden", "Only a participant of this event can record bingo squares.");
    const other = checkMark(size, people, caller, input);
    await requireVerifiedMeetingInScanMode(event, caller, other);
    return { caller, other };
  });
  const square = input.row * size + input.col;
  const question = event.bingo.grid[square]?.question ?? "";
  const { card, achievements } = await markSquare(event, caller, other, square, question, reserved);
  return { card, achievements };
}

/** In "scan" mode a mark counts only between two people with a verified meeting (one indexed read). */
export async function requireVerifiedMeetingInScanMode(
  event: EventDoc,
  caller: ParticipantEntry,
  other: ParticipantEntry,
): Promise<void> {
  if (event.meetingProof !== "scan") return;
  if (await hasVerifiedMeeting(event._id, caller._id, other._id)) return;
  throw new ApiError(
    "meeting_not_verified",
    `This event counts only verified meetings: scan ${other.name}'s meeting code first.`,
  );
}

/** The other participant, after every check of the request; all problems reported together. */
function checkMark(
  size: number,
  people: readonly ParticipantEntry[],
  caller: ParticipantEntry,
  input: RecordBingoSquareInput,
): ParticipantEntry {
  const issues: ErrorIssue[] = [];
  if (input.row >= size)
    issues.push({ path: "row", message: `must be less than ${size} on this ${size}×${size} grid` });
  if (input.col >= size)
    issues.push({ path: "col", message: `must be less than ${size} on this ${size}×${size} grid` });
  const other = people.find((entry) => entry._id.equals(input.participantId));
  if (!other) issues.push({ path: "participantId", message: "is not a participant of this event" });
  else if (other._id.equals(caller._id))
    issues.push({ path: "participantId", message: "is you: find someone else for this square" });
  if (issues.length > 0 || !other) throw new ApiError("invalid_input", "The request is not valid.", issues);
  return other;
}
