import type { ProfileVisibility, SocialLinks, UserDoc } from "../models/user";

/** What anyone signed in may see of anyone: enough to put a name on a participant. */
export interface UserName {
  _id: string;
  name: string;
}

/** What people who share an event with a user see: the profile, without the email. */
export interface PublicProfile extends UserName {
  isGuest: boolean;
  bio: string;
  title: string;
  organization: string;
  profilePhoto: string | null;
  socialLinks: SocialLinks;
}

/** What users see of themselves; never a password hash. */
export interface OwnUser extends PublicProfile {
  email?: string;
  authProvider: "local" | "guest";
  profileVisibility: ProfileVisibility;
}

export function serializeUserName(user: Pick<UserDoc, "_id" | "name">): UserName {
  return { _id: user._id.toHexString(), name: user.name };
}

export function serializePublicProfile(user: UserDoc): PublicProfile {
  return {
    ...serializeUserName(user),
    isGuest: user.authProvider === "guest",
    bio: user.bio ?? "",
    title: user.title ?? "",
    organization: user.organization ?? "",
    profilePhoto: user.profilePhoto ?? null,
    socialLinks: serializeSocialLinks(user.socialLinks),
  };
}

export function serializeOwnUser(user: UserDoc): OwnUser {
  return {
    ...serializePublicProfile(user),
    ...(user.email ? { email: user.email } : {}),
    authProvider: user.authProvider,
    profileVisibility: user.profileVisibility ?? "event",
  };
}

function serializeSocialLinks(links: SocialLinks | undefined): SocialLinks {
  return {
    ...(links?.linkedin ? { linkedin: links.linkedin } : {}),
    ...(links?.github ? { github: links.github } : {}),
    ...(links?.other?.length ? { other: links.other.map(({ label, url }) => ({ label, url })) } : {}),
  };
}
