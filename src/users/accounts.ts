import type mongoose from "mongoose";
import { hashPassword, needsRehash, verifyPassword } from "../auth/passwords";
import { ApiError, isDuplicateKeyError } from "../errors";
import { newDocumentId } from "../ids";
import { guestEmailKey, User, type UserDoc } from "../models/user";
import type { JoinEventGuestInput } from "../schemas/join";
import { storedSocialLinks } from "./social-links";

export interface SignupInput {
  name: string;
  email: string;
  password: string;
}

/**
 * A new registered account under `_id` (a retried signup passes the id its Idempotency-Key
 * reserved, and gets the account its first attempt stored).
 */
export async function registerUser(input: SignupInput, _id = newDocumentId()): Promise<UserDoc> {
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await User.create({
      _id,
      name: input.name,
      email: input.email,
      emailKey: input.email.toLowerCase(),
      passwordHash,
      authProvider: "local",
    });
    return user.toObject();
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    const stored = await User.findOne({ _id, authProvider: "local" }).lean();
    if (stored) return stored;
    throw new ApiError("email_taken", "An account with that email already exists.");
  }
}

/** The user for a correct email and password; one answer for both ways of getting it wrong. */
export async function authenticateUser(email: string, password: string): Promise<UserDoc> {
  const user = await User.findOne({ emailKey: email.toLowerCase() }).select("+passwordHash").lean();
  const valid = await verifyPassword(password, user?.passwordHash ?? undefined);
  if (!user || !valid) throw new ApiError("invalid_credentials", "Invalid email or password.");
  if (user.passwordHash && needsRehash(user.passwordHash)) {
    // An older format or cost: stored again at the current one while the password is at hand.
    const passwordHash = await hashPassword(password);
    await User.updateOne({ _id: user._id, passwordHash: user.passwordHash }, { $set: { passwordHash } });
  }
  return user;
}

/**
 * A guest account with the profile given at the guest join; empty fields are left out. Under a
 * reserved `_id` that is taken already (a retried join), the guest stored then is the one.
 */
export async function createGuestUser(input: JoinEventGuestInput, _id = newDocumentId()): Promise<UserDoc> {
  try {
    const guest = await User.create({
      _id,
      name: input.name,
      email: input.email,
      emailKey: guestEmailKey(_id),
      authProvider: "guest",
      organization: input.organization || undefined,
      title: input.title || undefined,
      bio: input.bio || undefined,
      profilePhoto: input.profilePhoto || undefined,
      socialLinks: storedSocialLinks(input.socialLinks),
    });
    return guest.toObject();
  } catch (error) {
    const stored = isDuplicateKeyError(error) ? await User.findOne({ _id, authProvider: "guest" }).lean() : null;
    if (!stored) throw error;
    return stored;
  }
}

export async function deleteGuestUser(userId: mongoose.Types.ObjectId): Promise<void> {
  await User.deleteOne({ _id: userId, authProvider: "guest" });
}

export async function getUserOrThrow(userId: string): Promise<UserDoc> {
  const user = await User.findById(userId).lean();
  if (!user) throw new ApiError("not_found", "No user with that id.");
  return user;
}
