import { z } from "zod";

// zod schemas as JSON Schema, for the OpenAPI and AsyncAPI documents.

export type JsonSchema = Record<string, unknown>;

/** Named schemas (`.meta({ id })`: Event, Participant, ErrorBody…), shared by the operations. */
export type SharedSchemas = Record<string, JsonSchema>;

/**
 * One zod schema as JSON Schema. zod puts the named schemas it meets under `$defs`; they move to
 * `components.schemas`, and their `$ref`s with them, so each is written once in the document.
 */
export function toSchema(schema: z.ZodType, io: "input" | "output", shared?: SharedSchemas): JsonSchema {
  const { $schema: _dialect, $defs, ...json } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  for (const [id, definition] of Object.entries(($defs ?? {}) as SharedSchemas)) {
    if (!shared) throw new Error(`${id}: a named schema outside an operation`);
    const moved = pointRefsAtComponents(definition) as JsonSchema;
    const known = shared[id];
    if (known && JSON.stringify(known) !== JSON.stringify(moved)) throw new Error(`${id}: two schemas share this id`);
    shared[id] = moved;
  }
  return pointRefsAtComponents(json) as JsonSchema;
}

/** Rewrites every `$ref` into zod's definitions (`$defs`, or draft-07's `definitions`) to `components.schemas`. */
export function pointRefsAtComponents(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pointRefsAtComponents);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) =>
      key === "$ref" && typeof inner === "string"
        ? [key, inner.replace(/^#\/(\$defs|definitions)\//, "#/components/schemas/")]
        : [key, pointRefsAtComponents(inner)],
    ),
  );
}
