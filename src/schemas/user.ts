import { z } from "zod";
import { emailSchema, idSchema, objectIdSchema } from "./common";
import { displayNameSchema, lineTextSchema, multilineTextSchema, visibleLineTextSchema } from "./text";

export const getUserParamsSchema = z.object({ userId: objectIdSchema });

/** An absolute http(s) URL: nothing a browser or the app would run (javascript:, data:). */
export const httpUrlSchema = z
  .string()
  .trim()
  .max(500)
  .pipe(z.url({ protocol: /^https?$/, hostname: z.regexes.domain, error: "must be an http(s) URL" }));

// People type "linkedin.com/in/ada" as often as the full URL: a link without a scheme gets https://.
const linkSchema = z
  .string()
  .trim()
  .transform((value) => (value === "" || /^[a-z][a-z0-9+.-]*:/i.test(value) ? value : `https://${value}`))
  .pipe(z.union([z.literal(""), httpUrlSchema]));

/** `{ linkedin?, github?, other?: [{ label, url }] (≤ 10) }`, the shape the Shatter apps use; "" leaves a link out. */
export const socialLinksSchema = z.object({
  linkedin: linkSchema.optional(),
  github: linkSchema.optional(),
  other: z
    .array(z.object({ label: visibleLineTextSchema(50), url: linkSchema.pipe(httpUrlSchema) }))
    .max(10, "must have at most 10 links")
    .optional(),
});

/** "event": everyone who shares an event; "met": people met and hosts of my events; "private": name only. */
export const profileVisibilitySchema = z.enum(["event", "met", "private"]).meta({ id: "ProfileVisibility" });

/** The profile fields a user sets on themselves and a guest gives when joining. */
export const profileFieldsSchema = z.object({
  bio: multilineTextSchema(500),
  title: lineTextSchema(100),
  organization: lineTextSchema(100),
  profilePhoto: z.union([z.literal(""), httpUrlSchema]),
  socialLinks: socialLinksSchema,
});

/**
 * PUT /api/users/:userId – a partial profile: a field left out is kept, `null` or "" clears it.
 * `name` and `email` can be changed but not cleared.
 */
export const updateUserBodySchema = z.object({
  name: displayNameSchema.optional(),
  email: emailSchema.optional(),
  // Required with a new email on a registered account: a stolen token alone cannot take it over.
  currentPassword: z.string().min(1).max(200).optional(),
  bio: profileFieldsSchema.shape.bio.nullish(),
  title: profileFieldsSchema.shape.title.nullish(),
  organization: profileFieldsSchema.shape.organization.nullish(),
  profilePhoto: profileFieldsSchema.shape.profilePhoto.nullish(),
  socialLinks: socialLinksSchema.nullish(),
  // Who sees the profile beyond the name: "event" (default), "met" or "private".
  profileVisibility: profileVisibilitySchema.optional(),
});

export type SocialLinksInput = z.infer<typeof socialLinksSchema>;
export type ProfileFieldsInput = z.infer<typeof profileFieldsSchema>;
export type UpdateUserInput = z.infer<typeof updateUserBodySchema>;

/** What anyone signed in may see of anyone: enough to put a name on a participant. */
const userNameShape = { _id: idSchema, name: z.string() };
export const userNameSchema = z.object(userNameShape).meta({ id: "UserName" });

const socialLinksOutputSchema = z.object({
  linkedin: z.string().optional(),
  github: z.string().optional(),
  other: z.array(z.object({ label: z.string(), url: z.string() })).optional(),
});

/** What people who share an event with a user see: the profile, without the email. */
const publicProfileShape = {
  ...userNameShape,
  isGuest: z.boolean(),
  bio: z.string(),
  title: z.string(),
  organization: z.string(),
  profilePhoto: z.string().nullable(),
  socialLinks: socialLinksOutputSchema,
};
export const publicProfileSchema = z.object(publicProfileShape).meta({ id: "PublicProfile" });

/** What users see of themselves. */
export const ownUserSchema = z
  .object({
    ...publicProfileShape,
    email: z.string().optional(),
    authProvider: z.enum(["local", "guest"]),
    profileVisibility: profileVisibilitySchema,
  })
  .meta({ id: "OwnUser" });

export const getOwnUserResponseSchema = z.object({ user: ownUserSchema });

/** Yourself in full; the public profile to whom its owner's profileVisibility lets see it; else the name. */
export const getUserResponseSchema = z.object({ user: z.union([ownUserSchema, publicProfileSchema, userNameSchema]) });

/** DELETE /api/users/me: a registered user confirms with their password; a guest sends nothing. */
export const deleteOwnUserBodySchema = z.object({ password: z.string().max(200).optional() });

export const deleteOwnUserResponseSchema = z.object({ message: z.string(), userId: idSchema });
