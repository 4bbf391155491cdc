import { deleteEventData, publishEventDeleted } from "../events/delete-event";
import { DeletedEvent, type DeletedEventDoc } from "../models/deleted-event";
import { Event } from "../models/event";
import { RETRY_AFTER_MS } from "../realtime/resend";

const DELETIONS_PER_RUN = 25;

/**
 * Finishes deletions that are RETRY_AFTER_MS old (see events/delete-event): repeats the deletes,
 * publishes `event-deleted` if the request did not, then drops the DeletedEvent. Resolves to how
 * many it finished; a DeletedEvent stays while `event-deleted` is unsent.
 */
export async function finishEventDeletions(now = Date.now()): Promise<number> {
  const due = await DeletedEvent.find({ deletedAt: { $lt: new Date(now - RETRY_AFTER_MS) } })
    .limit(DELETIONS_PER_RUN)
    .lean<DeletedEventDoc[]>();
  let finished = 0;
  for (const tombstone of due) {
    await Event.deleteOne({ _id: tombstone._id });
    await deleteEventData(tombstone._id);
    if (!(await publishEventDeleted(tombstone))) continue;
    await DeletedEvent.deleteOne({ _id: tombstone._id });
    finished++;
  }
  return finished;
}
