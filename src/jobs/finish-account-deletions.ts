import { DeletedUser, type DeletedUserDoc } from "../models/deleted-user";
import { User } from "../models/user";
import { sweepAccount } from "../privacy/delete-account";
import { RETRY_AFTER_MS } from "../realtime/resend";

const ACCOUNT_DELETIONS_PER_RUN = 10;

/**
 * Finishes account deletions whose request died halfway (privacy/delete-account): a DeletedUser
 * RETRY_AFTER_MS old has its account deleted (again) and everything under it swept, then goes.
 */
export async function finishAccountDeletions(now = Date.now()): Promise<number> {
  const due = await DeletedUser.find({ deletedAt: { $lt: new Date(now - RETRY_AFTER_MS) } })
    .limit(ACCOUNT_DELETIONS_PER_RUN)
    .lean<DeletedUserDoc[]>();
  for (const record of due) {
    await User.deleteOne({ _id: record._id });
    await sweepAccount(record);
  }
  return due.length;
}
