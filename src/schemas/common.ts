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
