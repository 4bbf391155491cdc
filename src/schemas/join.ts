import { z } from "zod";
import { emailSchema, idSchema, objectIdSchema } from "./common";
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

export const participantSchema = z
  .object({ _id: idSchema, userId: idSchema, name: z.string(), eventId: idSchema })
  .meta({ id: "Participant" });

/** A guest joining with their token also gets a fresh one. */
export const joinEventUserResponseSchema = z.object({ participant: participantSchema, token: z.string().optional() });
/** Joining again answers 200 with the participant already there. */
export const rejoinEventUserResponseSchema = joinEventUserResponseSchema.extend({ alreadyJoined: z.literal(true) });

export const joinEventGuestResponseSchema = z.object({
  participant: participantSchema,
  userId: idSchema,
  token: z.string(),
});
export const rejoinEventGuestResponseSchema = joinEventGuestResponseSchema.extend({ alreadyJoined: z.literal(true) });

/** POST …/leave – the participant that left. */
export const leaveEventResponseSchema = z.object({ participant: participantSchema });
