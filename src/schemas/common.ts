import { z } from "zod";

export const objectIdSchema = z
  .string()
  .regex(/^[0-9a-fA-F]{24}$/, "must be a 24-character hex id")
  .transform((id) => id.toLowerCase());

/** The key names are compared by within an event: case and invisible format characters ignored. */
export function nameKey(name: string): string {
  return name
    .normalize("NFKC")
    .replace(/\p{Cf}/gu, "")
    .toLowerCase();
}

export const emailSchema = z.string().trim().max(254).pipe(z.email("must be an email address"));

export const isoDateSchema = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], { error: "must be an ISO 8601 date" })
  .transform((value) => new Date(value));

/**
 * A timestamp in a response: a Date in the handler, an ISO 8601 string on the wire (JSON.stringify
 * turns one into the other); the OpenAPI document says `string`, `date-time`.
 */
export const timestampSchema = z.date().meta({ type: "string", format: "date-time" });

export const idSchema = z.string().regex(/^[0-9a-f]{24}$/);
