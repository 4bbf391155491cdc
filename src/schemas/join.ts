import { z } from "zod";
import { displayNameSchema, emailSchema, objectIdSchema } from "./common";

export const joinEventUserBodySchema = z.object({
  name: displayNameSchema.optional(),
  userId: objectIdSchema.optional(),
});

const socialLinksSchema = z.union([
  z.array(z.string().trim().max(300)).max(10),
  z
    .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/, "must be a simple link name"), z.string().trim().max(300))
    .refine((links) => Object.keys(links).length <= 10, {
      message: "must have at most 10 links",
    }),
]);

export const joinEventGuestBodySchema = z.object({
  name: displayNameSchema,
  email: emailSchema.optional(),
  organization: z.string().trim().max(100).optional(),
  title: z.string().trim().max(100).optional(),
  socialLinks: socialLinksSchema.optional(),
});

export type JoinEventGuestInput = z.infer<typeof joinEventGuestBodySchema>;
