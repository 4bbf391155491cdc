import { z } from "zod";
import { ownUserSchema, publicProfileSchema } from "./user";

/** GET /api/events/:eventId/export: which table, in which format. */
export const exportEventQuerySchema = z.object({
  format: z.enum(["csv", "json"]).default("csv"),
  table: z.enum(["participants", "connections", "leaderboard"]).default("participants"),
});

const cellSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** The JSON form of an export: the table's rows, each keyed by its columns (the CSV's header row). */
export const eventExportJsonSchema = z.object({
  success: z.literal(true),
  table: z.enum(["participants", "connections", "leaderboard"]),
  rows: z.array(z.record(z.string(), cellSchema)),
});

const connectionExportSchema = z.object({
  eventId: z.string(),
  participantId: z.string(),
  name: z.string().nullable(),
  description: z.string(),
  square: z.number().int().nullable(),
  at: z.string(),
  profile: publicProfileSchema.nullable(),
});

/** GET /api/users/me/export: everything stored about the caller. */
export const myDataExportSchema = z.object({
  exportedAt: z.string(),
  account: ownUserSchema,
  participations: z.array(
    z.object({
      eventId: z.string(),
      eventName: z.string().nullable(),
      participantId: z.string(),
      name: z.string(),
      joinedAt: z.string(),
      left: z.boolean(),
      card: z
        .object({
          squaresFilled: z.number().int(),
          linesCompleted: z.number().int(),
          completed: z.boolean(),
          marks: z.array(z.object({ square: z.number().int(), name: z.string(), at: z.string() })),
        })
        .nullable(),
      achievements: z.array(z.object({ achievementType: z.enum(["line", "card"]), seq: z.number().int() })),
    }),
  ),
  connectionsMade: z.array(connectionExportSchema),
  connectionsReceived: z.array(connectionExportSchema),
  eventsHosted: z.array(
    z.object({
      _id: z.string(),
      name: z.string(),
      currentState: z.string(),
      participantCount: z.number().int(),
      createdAt: z.string(),
    }),
  ),
  activity: z.array(
    z.object({
      eventId: z.string(),
      seq: z.number().int(),
      event: z.string(),
      data: z.record(z.string(), z.unknown()),
      at: z.string(),
    }),
  ),
});

export type MyDataExport = z.input<typeof myDataExportSchema>;

export const recapQuerySchema = z.object({ format: z.enum(["json", "vcf"]).default("json") });

/** GET /api/events/:eventId/recap (JSON). */
export const eventRecapSchema = z.object({
  event: z.object({
    _id: z.string(),
    name: z.string(),
    startedAt: z.string().nullable(),
    endedAt: z.string().nullable(),
  }),
  me: z.object({
    name: z.string(),
    rank: z.number().int(),
    linesCompleted: z.number().int(),
    completed: z.boolean(),
    squaresFilled: z.number().int(),
    connectionsCount: z.number().int(),
  }),
  met: z.array(
    z.object({
      participantId: z.string(),
      name: z.string(),
      at: z.string(),
      verified: z.boolean().optional(),
      profile: publicProfileSchema.nullable(),
    }),
  ),
});

export type EventRecap = z.infer<typeof eventRecapSchema>;

export const eventRecapResponseSchema = eventRecapSchema.extend({ success: z.literal(true) });
