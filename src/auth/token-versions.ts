import mongoose from "mongoose";
import { ApiError } from "../errors";
import { User } from "../models/user";
import { knownTokenVersion, rememberTokenVersion, signToken, type TokenClaims, tokenVersionOf } from "./tokens";

/**
 * The claims, if their token is of the account's current version: a token issued before the
 * account's last logout-all is a 401 where a token is required, and no token where it is optional.
 * One read of the account per instance and TOKEN_VERSION_TTL_MS (none when this instance just
 * issued or revoked its tokens).
 */
export async function currentClaims(claims: TokenClaims | null, optional: boolean): Promise<TokenClaims | null> {
  if (!claims) return claims;
  let current = knownTokenVersion(claims.userId);
  if (current === undefined) {
    const user = await User.findById(claims.userId, { tokenVersion: 1 }).lean();
    // A signed token whose account is gone belongs to a deleted account (DELETE /api/users/me,
    // a guest past retention): no version of it is current.
    current = user ? (user.tokenVersion ?? 0) : ACCOUNT_GONE;
    rememberTokenVersion(claims.userId, current);
  }
  if (tokenVersionOf(claims) >= current) return claims;
  if (optional) return null;
  if (current === ACCOUNT_GONE) throw new ApiError("unauthorized", "This account has been deleted.");
  throw new ApiError("unauthorized", "This token was signed out everywhere; sign in again.");
}

/** The version of an account that no longer exists: above every token's. */
const ACCOUNT_GONE = Number.POSITIVE_INFINITY;

/**
 * The account is being deleted: this instance refuses its tokens from now on, without waiting
 * for TOKEN_VERSION_TTL_MS; other warm instances refuse them once their remembered version
 * expires (docs/security.md).
 */
export function forgetDeletedAccount(userId: string): void {
  rememberTokenVersion(userId, ACCOUNT_GONE);
}

/**
 * POST /api/auth/logout-all: every token of the caller's account issued so far stops working
 * (on every instance within TOKEN_VERSION_TTL_MS); the answer carries a new one for this session,
 * expiring when the old one would have (so a guest's account still ends on time).
 */
export async function revokeAllTokens(claims: TokenClaims): Promise<string> {
  // The driver's call: Mongoose would send passwordHash's `select: false` as a projection, which
  // FerretDB does not take on findAndModify. The document stays in memory here.
  const updated = await User.collection.findOneAndUpdate(
    { _id: new mongoose.Types.ObjectId(claims.userId) },
    { $inc: { tokenVersion: 1 } },
    { returnDocument: "after" },
  );
  if (!updated) throw new ApiError("unauthorized", "A valid bearer token is required.");
  return signToken(claims, Date.now(), typeof updated.tokenVersion === "number" ? updated.tokenVersion : 1);
}
