import { z } from "zod";
import { displayNameSchema, emailSchema, objectIdSchema } from "./common";
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
