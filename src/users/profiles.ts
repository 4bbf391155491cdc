import { verifyPassword } from "../auth/passwords";
import type { TokenClaims } from "../auth/tokens";
import { ApiError, isDuplicateKeyError } from "../errors";
import { enforceRateLimit, RATE_LIMITS } from "../limits/rate-limit";
import { Participant } from "../models/participant";
import { User } from "../models/user";
import type { UpdateUserInput } from "../schemas/user";
import { getUserOrThrow } from "./accounts";
import {
  type OwnUser,
  type PublicProfile,
  serializeOwnUser,
  serializePublicProfile,
  serializeUserName,
  type UserName,
} from "./serialize";
import { storedSocialLinks } from "./social-links";
import { mayViewProfile, photoOnEventScreens, relationOf, visibilityOf } from "./visibility";

/**
 * GET /api/users/:userId: everything to the user themselves; the public profile (no email) to
 * whom their profileVisibility lets see it (src/users/visibility.ts); only `{ _id, name }` to
 * everyone else.
 */
export async function getUserAsSeenBy(
  viewer: TokenClaims,
  userId: string,
): Promise<OwnUser | PublicProfile | UserName> {
  const user = await getUserOrThrow(userId);
  if (user._id.equals(viewer.userId)) return serializeOwnUser(user);
  const visibility = visibilityOf(user);
  const relation = await relationOf(viewer.userId, userId, visibility);
  return mayViewProfile(visibility, relation) ? serializePublicProfile(user) : serializeUserName(user);
}

const CLEARABLE_FIELDS = ["bio", "title", "organization", "profilePhoto"] as const;

/**
 * PUT /api/users/:userId: the caller changes their own profile; fields left out are kept, `null`
 * or "" clears one. A registered user's new email needs `currentPassword` and must be free
 * (ignoring case), and attempts at it are limited per account and per `ip`; a guest's email is
 * contact information only and never becomes a login.
 */
export async function updateUserProfile(
  caller: TokenClaims,
  userId: string,
  input: UpdateUserInput,
  ip: string,
): Promise<OwnUser> {
  if (userId !== caller.userId) throw new ApiError("forbidden", "You can only change your own profile.");
  const user = await getUserOrThrow(userId);
  const set: Record<string, unknown> = {};
  const unset: Record<string, true> = {};
  if (input.name !== undefined) set.name = input.name;
  if (input.profileVisibility !== undefined) set.profileVisibility = input.profileVisibility;
  if (input.email !== undefined) {
    set.email = input.email;
    const emailKey = input.email.toLowerCase();
    if (user.authProvider === "local" && emailKey !== user.emailKey) {
      // Counted before the password is checked, so neither the password nor which addresses are
      // taken can be probed faster than the limits.
      await enforceRateLimit(RATE_LIMITS.emailChangesPerUser, userId);
      await enforceRateLimit(RATE_LIMITS.emailChangesPerIp, ip);
      const stored = await User.findById(user._id).select("+passwordHash").lean();
      if (!(await verifyPassword(input.currentPassword ?? "", stored?.passwordHash ?? undefined))) {
        throw new ApiError("invalid_credentials", "Changing the email needs the account's current password.");
      }
      // Asked first for a clear answer; the unique index on emailKey still decides a race (on
      // MongoDB as E11000; FerretDB reports a unique violation on update as an internal error).
      if (await User.exists({ emailKey })) throw emailTaken();
      set.emailKey = emailKey;
    }
  }
  for (const field of CLEARABLE_FIELDS) {
    const value = input[field];
    if (value === undefined) continue;
    if (value === null || value === "") unset[field] = true;
    else set[field] = value;
  }
  if (input.socialLinks !== undefined) {
    const links = input.socialLinks === null ? undefined : storedSocialLinks(input.socialLinks);
    if (links) set.socialLinks = links;
    else unset.socialLinks = true;
  }
  if (Object.keys(set).length === 0 && Object.keys(unset).length === 0) return serializeOwnUser(user);

  try {
    // updateOne, then a read: findOneAndUpdate would carry a projection (passwordHash is select: false).
    await User.updateOne({ _id: user._id }, { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) });
  } catch (error) {
    if (isDuplicateKeyError(error)) throw emailTaken();
    throw error;
  }
  const updated = await getUserOrThrow(userId);
  if (input.profilePhoto !== undefined || input.profileVisibility !== undefined) {
    // Every participant of the user keeps the photo its event's screens show (models/participant.ts).
    await Participant.updateMany({ userId: updated._id }, { $set: { photo: photoOnEventScreens(updated) } });
  }
  return serializeOwnUser(updated);
}

function emailTaken(): ApiError {
  return new ApiError("email_taken", "An account with that email already exists.");
}
