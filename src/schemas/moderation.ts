import { z } from "zod";
import { idSchema, objectIdSchema, timestampSchema } from "./common";
import { participantSchema } from "./join";

// The host's hand on the room (issue 19): removing a participant, banning, lifting a ban.

export const participantParamsSchema = z.object({ eventId: objectIdSchema, participantId: objectIdSchema });

/** DELETE …/participants/:participantId?ban=true – also ban the participant's user. */
export const removeParticipantQuerySchema = z.object({
  ban: z
    .enum(["true", "false"], { error: 'must be "true" or "false"' })
    .default("false")
    .transform((word) => word === "true"),
});

export const removeParticipantResponseSchema = z.object({ participant: participantSchema });

export const banParamsSchema = z.object({ eventId: objectIdSchema, userId: objectIdSchema });

export const banSchema = z
  .object({
    userId: idSchema,
    /** The name they had in the event when they were removed. */
    name: z.string(),
    bannedAt: timestampSchema,
  })
  .meta({ id: "Ban" });

export const banListResponseSchema = z.object({ bans: z.array(banSchema) });

export const liftBanResponseSchema = z.object({ userId: idSchema });
