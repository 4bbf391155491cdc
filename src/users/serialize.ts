import type { UserDoc } from "../models/user";

export interface PublicUser {
  _id: string;
  name: string;
}

export interface OwnUser extends PublicUser {
  email?: string;
  authProvider: "local" | "guest";
}

/** What anyone signed in may see of a user. */
export function serializePublicUser(user: UserDoc): PublicUser {
  return { _id: user._id.toHexString(), name: user.name };
}

/** What users see of themselves; never a password hash. */
export function serializeOwnUser(user: UserDoc): OwnUser {
  return {
    ...serializePublicUser(user),
    ...(user.email ? { email: user.email } : {}),
    authProvider: user.authProvider,
  };
}
