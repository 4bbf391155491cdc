import { z } from "zod";

// What the API stores must be what it acknowledged: text that the driver would silently change
// (lone surrogates become U+FFFD), text that renders as something else (bidirectional overrides)
// and names that render blank are refused instead of stored.

// Bidirectional embeddings, overrides and isolates can make a text render as something else.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/u;
const CONTROL = /\p{Cc}/u;
// Free texts may span lines; every other control character is refused there too.
const CONTROL_EXCEPT_NEWLINE_AND_TAB = /(?![\n\t])\p{Cc}/u;
// Letters, digits, symbols or punctuation that actually draw something: default-ignorable code
// points (Hangul fillers U+3164, U+115F, U+1160, U+FFA0, zero-width characters…) and the blank
// Braille pattern U+2800 are letters or symbols to Unicode but render as nothing.
const DRAWN = /(?!\p{Default_Ignorable_Code_Point}|\u2800)[\p{L}\p{N}\p{S}\p{P}]/u;
// U+FFFD is what a decoder makes of invalid UTF-8: a body that contains it was not valid UTF-8
// (or names the replacement character itself, which no real name or text needs).
const REPLACEMENT = "\uFFFD";
// With the u flag a well-formed pair is one code point, so this finds only lone surrogates.
const LONE_SURROGATE = /\p{Cs}/u;

/** How deeply a request body may nest arrays and objects: our bodies need 3 levels. */
export const MAX_JSON_DEPTH = 32;

export type MalformedBody = { path: string; message: string };

/**
 * The first problem with a parsed JSON body: nesting deeper than MAX_JSON_DEPTH, or a string
 * (value or key) that is not well-formed text. Walked with an explicit stack, so a body of
 * thousands of `[` is a 400 rather than a stack overflow.
 */
export function findMalformedText(body: unknown): MalformedBody | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: body, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop() as { value: unknown; path: (string | number)[] };
    if (typeof value === "string") {
      if (!isWellFormed(value)) return { path: path.join("."), message: "must be well-formed UTF-8 text" };
      continue;
    }
    if (typeof value !== "object" || value === null) continue;
    if (path.length >= MAX_JSON_DEPTH) {
      return { path: path.join("."), message: `is nested more than ${MAX_JSON_DEPTH} levels deep` };
    }
    // Pushed in reverse, so the first problem in document order is the one found.
    const entries: [string | number, unknown][] = Array.isArray(value) ? [...value.entries()] : Object.entries(value);
    for (const [key, item] of entries.reverse()) {
      stack.push({ value: item, path: [...path, key] });
      if (typeof key === "string" && !isWellFormed(key)) stack.push({ value: key, path: [...path, key] });
    }
  }
  return undefined;
}

function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text) && !text.includes(REPLACEMENT);
}

function normalized(value: string): string {
  return value.normalize("NFC").trim();
}

/** Display names (participants and accounts): 1–50 characters, one of them visible, nothing deceptive. */
export const displayNameSchema = z
  .string()
  .transform(normalized)
  .refine((value) => [...value].length >= 1 && [...value].length <= 50, "must be 1 to 50 characters")
  .refine((value) => !CONTROL.test(value) && !BIDI_CONTROLS.test(value), "must not contain control characters")
  .refine((value) => DRAWN.test(value), "must contain a visible character");

/** A one-line text (an event name, a title): NFC, trimmed, no control or bidi-override characters. */
export function lineTextSchema(max: number) {
  return z
    .string()
    .transform(normalized)
    .refine((value) => [...value].length <= max, `must be at most ${max} characters`)
    .refine((value) => !CONTROL.test(value) && !BIDI_CONTROLS.test(value), "must not contain control characters");
}

/** A free text that may span lines (a description): as a line, but newlines and tabs are kept. */
export function multilineTextSchema(max: number) {
  return z
    .string()
    .transform((value) => normalized(value.replace(/\r\n?/g, "\n")))
    .refine((value) => [...value].length <= max, `must be at most ${max} characters`)
    .refine(
      (value) => !CONTROL_EXCEPT_NEWLINE_AND_TAB.test(value) && !BIDI_CONTROLS.test(value),
      "must not contain control characters",
    );
}

/** A one-line name of a thing (an event): like a line of text, 1+ characters, one of them visible. */
export function visibleLineTextSchema(max: number) {
  return lineTextSchema(max).refine((value) => DRAWN.test(value), "must contain a visible character");
}
