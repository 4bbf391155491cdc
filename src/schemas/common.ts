import { z } from "zod";

export const objectIdSchema = z
  .string()
  .regex(/^[0-9a-fA-F]{24}$/, "must be a 24-character hex id")
  .transform((id) => id.toLowerCase());

// Bidirectional embeddings/overrides/isolates can make a name render as something else.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/u;
const CONTROL = /\p{Cc}/u;
const VISIBLE = /[\p{L}\p{N}\p{S}\p{P}]/u;
// A lone surrogate cannot be stored as UTF-8: the driver would silently turn it into U+FFFD.
const LONE_SURROGATE = /\p{Cs}/u;

/** Display names: trimmed, NFC-normalised, 1–50 characters, nothing invisible or deceptive. */
export const displayNameSchema = z
  .string()
  .transform((value) => value.normalize("NFC").trim())
  .refine((value) => [...value].length >= 1 && [...value].length <= 50, "must be 1 to 50 characters")
  .refine((value) => !CONTROL.test(value) && !BIDI_CONTROLS.test(value), "must not contain control characters")
  .refine((value) => !LONE_SURROGATE.test(value), "must be valid Unicode")
  .refine((value) => VISIBLE.test(value), "must contain a visible character");

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
