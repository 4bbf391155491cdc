import { env } from "../env";
import { Event } from "../models/event";
import { Participant } from "../models/participant";
import { User, type UserDoc } from "../models/user";
import { deleteAccount } from "../privacy/delete-account";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Guests looked at per cron run: the cron's time budget is shared with its other work. */
const GUESTS_CHECKED_PER_RUN = 50;

/**
 * Deletes guest accounts whose events all ended more than GUEST_RETENTION_DAYS ago (an event that
 * is gone counts as ended), like DELETE /api/users/me. Bounded per run: it looks at up to
 * GUESTS_CHECKED_PER_RUN guests created before the cut-off and not looked at in the last day, and
 * stamps those it keeps (`retentionCheckedAt`) so the next run moves on to others.
 * Resolves to how many it deleted.
 */
export async function expireGuests(now = Date.now()): Promise<number> {
  const cutoff = new Date(now - env.GUEST_RETENTION_DAYS * DAY_MS);
  const guests = await User.find(
    {
      authProvider: "guest",
      createdAt: { $lt: cutoff },
      $or: [{ retentionCheckedAt: null }, { retentionCheckedAt: { $lt: new Date(now - DAY_MS) } }],
    },
    { _id: 1 },
  )
    .limit(GUESTS_CHECKED_PER_RUN)
    .lean<Pick<UserDoc, "_id">[]>();
  let deleted = 0;
  for (const guest of guests) {
    if (await stillInRetention(guest._id, cutoff)) {
      await User.updateOne({ _id: guest._id }, { $set: { retentionCheckedAt: new Date(now) } });
      continue;
    }
    await deleteAccount(guest, new Date(now));
    deleted++;
  }
  return deleted;
}

async function stillInRetention(userId: UserDoc["_id"], cutoff: Date): Promise<boolean> {
  const participations = await Participant.find({ userId }, { eventId: 1 }).lean();
  if (participations.length === 0) return false;
  const recent = await Event.exists({
    _id: { $in: participations.map((p) => p.eventId) },
    $or: [{ currentState: { $ne: "ended" } }, { endedAt: { $gte: cutoff } }],
  });
  return recent !== null;
}
