import { z } from "zod";
import { emailSchema, objectIdSchema } from "./common";
import { displayNameSchema } from "./text";
import { profileFieldsSchema } from "./user";

export const joinEventUserBodySchema = z.object({
  name: displayNameSchema.optional(),
  userId: objectIdSchema.optional(),
});

export const joinEventGuestBodySchema = profileFieldsSchema.partial().extend({
  name: displayNameSchema,
  email: emailSchema.optional(),
});

export type JoinEventGuestInput = z.infer<typeof joinEventGuestBodySchema>;
