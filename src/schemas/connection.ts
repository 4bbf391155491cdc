import { z } from "zod";
import { bingoAchievementSchema, bingoCardSchema } from "./bingo";
import { idSchema, objectIdSchema } from "./common";
import { visibleLineTextSchema } from "./text";
import { publicProfileSchema } from "./user";

/** POST /api/participantConnections – "I (primary) met this participant (secondary)". */
export const createParticipantConnectionBodySchema = z.object({
  _eventId: objectIdSchema,
  primaryParticipantId: objectIdSchema,
  secondaryParticipantId: objectIdSchema,
  // The app sends "Met during Name Bingo"; a square's question or shortQuestion fills that square.
  description: visibleLineTextSchema(200),
});

export const participantConnectionSchema = z
  .object({
    _id: idSchema,
    _eventId: idSchema,
    primaryParticipantId: idSchema,
    secondaryParticipantId: idSchema,
    description: z.string(),
    /** The bingo square this meeting filled, or null for a meeting only. */
    square: z.object({ row: z.number().int(), col: z.number().int() }).nullable(),
    /** True once one of the two scanned the other's meeting code (issue 18). */
    verified: z.boolean(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "ParticipantConnection" });

export const createParticipantConnectionResponseSchema = z.object({
  connection: participantConnectionSchema,
  /** The caller's card and what it achieved, when the description named a square; else null. */
  bingo: z.object({ card: bingoCardSchema, achievements: z.array(bingoAchievementSchema) }).nullable(),
});

/** GET /api/participantConnections/connected-users – the people a participant met. */
export const getConnectedUsersQuerySchema = z.object({
  participantId: objectIdSchema,
  eventId: objectIdSchema,
});

export const connectedUserSchema = z
  .object({
    participantId: idSchema,
    participantName: z.string(),
    connectionDescription: z.string(),
    /** True once one of the two scanned the other's meeting code (issue 18). */
    verified: z.boolean(),
    user: publicProfileSchema.pick({
      _id: true,
      name: true,
      profilePhoto: true,
      title: true,
      organization: true,
      bio: true,
      socialLinks: true,
    }),
  })
  .meta({ id: "ConnectedUser" });

/** A bare JSON array (the mobile app reads one), not the envelope. */
export const getConnectedUsersResponse = {
  contentTypes: ["application/json; charset=utf-8"],
  description: "The people the participant met, oldest meeting first, as a bare array (the mobile app's shape).",
  schema: z.array(connectedUserSchema),
} as const;

/** PUT /api/events/:eventId/leaderboard/score – what the app believes; read, never stored. */
export const updateLeaderboardScoreBodySchema = z.object({
  linesCompleted: z.number().int().min(0).max(12).optional(),
  completed: z.boolean().optional(),
});

export type CreateParticipantConnectionInput = z.infer<typeof createParticipantConnectionBodySchema>;
export type GetConnectedUsersQuery = z.infer<typeof getConnectedUsersQuerySchema>;
