import { getActiveEventForBingo } from "../bingo/cards";
import { ApiError, busyError } from "../errors";
import { releaseSeqs, reservedSeqs, reserveSeqs, type SeqReservation } from "../realtime/sequence";

// A mark, a connection and a meeting scan read their event with the command that reserves their
// first seqs (issue 21), before the checks that may refuse them; a refusal gives the seqs back.

/**
 * The event of a mark, a connection or a meeting, read by the `findAndModify` that reserves the
 * request's first `count` seqs, on condition that it is active. Only when that matches nothing is
 * the event read, to answer 404 or 409 event_not_active.
 */
export async function reserveWithActiveEvent(eventId: string, count: number): Promise<SeqReservation> {
  const reserved = await reserveSeqs(eventId, count, { where: { currentState: "active" } });
  if (reserved) return reserved;
  await getActiveEventForBingo(eventId);
  // Active now: it was started between the two commands.
  throw busyError("The event just started; please try again.");
}

/**
 * Runs the checks of a request that reserved seqs before them: a refusal (an ApiError)
 * gives the seqs back (releaseSeqs). (A failed read leaves them in flight, for the repair.)
 */
export async function givingBackOnRefusal<T>(reserved: SeqReservation, checks: () => Promise<T>): Promise<T> {
  try {
    return await checks();
  } catch (error) {
    if (error instanceof ApiError) await releaseSeqs(reserved.event._id, reservedSeqs(reserved));
    throw error;
  }
}
