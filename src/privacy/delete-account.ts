import type mongoose from "mongoose";
import { verifyPassword } from "../auth/passwords";
import { forgetDeletedAccount } from "../auth/token-versions";
import { ApiError } from "../errors";
import { deleteEvent } from "../events/delete-event";
import { BingoCard } from "../models/bingo-card";
import { DeletedUser, type DeletedUserDoc, type Participation } from "../models/deleted-user";
import { Event } from "../models/event";
import { IdempotencyRecord } from "../models/idempotency-record";
import { Participant } from "../models/participant";
import { ParticipantConnection } from "../models/participant-connection";
import { RateLimitWindow } from "../models/rate-limit-window";
import { User, type UserDoc } from "../models/user";
import { removeParticipation } from "./remove-participation";

/**
 * DELETE /api/users/me – the caller deletes their account: a registered user confirms with their
 * password (a wrong or missing one is a 401), a guest with the token alone.
 */
export async function deleteOwnAccount(userId: string, password: string | undefined): Promise<void> {
  const user = await User.findById(userId).select("+passwordHash").lean<UserDoc>();
  if (!user) throw new ApiError("unauthorized", "This account has been deleted.");
  if (
    user.authProvider === "local" &&
    !(password !== undefined && (await verifyPassword(password, user.passwordHash)))
  ) {
    throw new ApiError("unauthorized", "The password is wrong.");
  }
  await deleteAccount(user);
}

/**
 * Deletes an account and everything that is only its own, in this order (docs/data-model.md):
 * 1. a DeletedUser (the deletion in progress, listing the account's participations) is written;
 * 2. what is keyed by the email or names the account in a stored answer (rate-limit windows,
 *    idempotency records) is deleted, while the email is still known;
 * 3. the account document is deleted: from here every token of it is a 401 (this instance at
 *    once, others within TOKEN_VERSION_TTL_MS);
 * 4. the rest is swept (sweepAccount): hosted events, participations, cards, connections;
 * 5. the DeletedUser is deleted.
 * The cron (jobs/finish-account-deletions) repeats 4 and 5 for a DeletedUser RETRY_AFTER_MS old.
 */
export async function deleteAccount(user: Pick<UserDoc, "_id" | "email">, now = new Date()): Promise<void> {
  const userId = user._id;
  const participations = await Participant.find({ userId }, { eventId: 1 }).lean();
  const listed: Participation[] = participations.map((p) => ({ eventId: p.eventId, participantId: p._id }));
  await DeletedUser.updateOne(
    { _id: userId },
    { $setOnInsert: { deletedAt: now, participations: listed } },
    { upsert: true },
  );
  await deleteKeyedRecords(userId, user.email);
  await User.deleteOne({ _id: userId });
  forgetDeletedAccount(userId.toHexString());
  await sweepAccount({ _id: userId, participations: listed, deletedAt: now });
}

/**
 * Everything under a deleted account but the account itself; repeatable. Hosted events are
 * deleted like DELETE /api/events/:eventId; each participation (listed, or found now: a join in
 * flight at step 3) is removed like a leave; then whatever still carries the user's id.
 */
export async function sweepAccount(record: DeletedUserDoc): Promise<void> {
  const userId = record._id;
  const hosted = await Event.find({ createdBy: userId }, { _id: 1 }).lean();
  for (const event of hosted) {
    await deleteEvent(event._id.toHexString(), userId.toHexString()).catch(ignoreNotFound);
  }
  const found = await Participant.find({ userId }, { eventId: 1 }).lean();
  const participations = new Map<string, Participation>();
  for (const p of [...record.participations, ...found.map((f) => ({ eventId: f.eventId, participantId: f._id }))]) {
    participations.set(p.participantId.toHexString(), p);
  }
  for (const participation of participations.values()) await removeParticipation(participation);
  await BingoCard.deleteMany({ userId });
  await ParticipantConnection.deleteMany({ secondaryUserId: userId });
  await DeletedUser.deleteOne({ _id: userId });
}

async function deleteKeyedRecords(userId: mongoose.Types.ObjectId, email: string | undefined): Promise<void> {
  const mentions: Record<string, unknown>[] = [{ reservedId: userId }, { response: { $regex: userId.toHexString() } }];
  if (email) mentions.push({ response: { $regex: escapeRegex(email), $options: "i" } });
  await IdempotencyRecord.deleteMany({ $or: mentions });
  // Window ids are `<limit>:<subject>:<window start>`; the login limits' subjects start with the email.
  if (email) await RateLimitWindow.deleteMany({ _id: { $regex: `^[^:]+:${escapeRegex(email.toLowerCase())}:` } });
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function ignoreNotFound(error: unknown): void {
  // A concurrent deletion of the event took it: that one finishes it.
  if (error instanceof ApiError && error.code === "not_found") return;
  throw error;
}
