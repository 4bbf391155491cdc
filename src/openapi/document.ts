import { z } from "zod";
import { ERROR_STATUS, type ErrorCode } from "../errors";
import { EXPOSED_HEADERS } from "../http/cors";
import {
  type HttpMethod,
  impliedErrors,
  type Operation,
  type RawResponse,
  type RouteContract,
} from "../http/operation";

// The OpenAPI 3.1 document, generated from the routes' declarations: every schema in it comes from
// a zod schema through z.toJSONSchema, so what the server enforces and what clients read are one.

type JsonSchema = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: "3.1.0";
  info: { title: string; version: string; description: string };
  paths: Record<string, Partial<Record<Lowercase<HttpMethod>, OpenApiOperation>>>;
  components: Record<string, Record<string, unknown>>;
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters?: {
    name: string;
    in: "path" | "query" | "header";
    required: boolean;
    description?: string;
    schema: JsonSchema;
  }[];
  requestBody?: { required: boolean; content: { "application/json": { schema: JsonSchema } } };
  responses: Record<string, OpenApiResponse>;
}

export interface OpenApiResponse {
  description: string;
  headers: Record<string, { $ref: string }>;
  content: Record<string, { schema: JsonSchema }>;
}

const DESCRIPTION = `The Shatter events API. JSON in, JSON out; every success has \`"success": true\`, every error is the
error envelope with a \`code\` from the closed list of each response. Every operation checks, in this
order: method (405 with \`Allow\`), path parameters, auth, query, body; so the same bad request gets the
same answer on every route. \`OPTIONS\` on any path answers 204 with \`Allow\` (CORS preflight). Every
response carries \`X-Request-Id\`, and every error body the same id as \`requestId\`: quote it when reporting one.`;

/** Named schemas (`.meta({ id })`: Event, Participant, ErrorBody…), shared by the operations. */
type SharedSchemas = Record<string, JsonSchema>;

/**
 * One zod schema as JSON Schema. zod puts the named schemas it meets under `$defs`; they move to
 * `components.schemas`, and their `$ref`s with them, so each is written once in the document.
 */
function toSchema(schema: z.ZodType, io: "input" | "output", shared?: SharedSchemas): JsonSchema {
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

function pointRefsAtComponents(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pointRefsAtComponents);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) =>
      key === "$ref" && typeof inner === "string"
        ? [key, inner.replace(/^#\/\$defs\//, "#/components/schemas/")]
        : [key, pointRefsAtComponents(inner)],
    ),
  );
}

const HEADERS = {
  CacheControl: { description: "Never cached.", schema: toSchema(z.literal("no-store"), "output") },
  XContentTypeOptions: { description: "No MIME sniffing.", schema: toSchema(z.literal("nosniff"), "output") },
  Vary: { description: "Sent when the request has an Origin.", schema: toSchema(z.literal("Origin"), "output") },
  AccessControlAllowOrigin: {
    description: "The request's Origin, when it is one of CORS_ORIGINS.",
    schema: toSchema(z.string(), "output"),
  },
  AccessControlExposeHeaders: {
    description: "With Access-Control-Allow-Origin: the headers a browser script may read.",
    schema: toSchema(z.literal(EXPOSED_HEADERS), "output"),
  },
  XRequestId: {
    description:
      "This request's id (Vercel's x-vercel-id on Vercel): every error body's `requestId` and every log line of the request carry it.",
    schema: toSchema(z.string().min(1), "output"),
  },
  RetryAfter: {
    description: "Seconds to wait before retrying.",
    schema: toSchema(z.string().regex(/^\d+$/), "output"),
  },
  IdempotentReplayed: {
    description: "Sent when this is the stored answer to an earlier request with the same Idempotency-Key.",
    schema: toSchema(z.literal("true"), "output"),
  },
  ContentDisposition: {
    description: "A download: `attachment; filename=…`.",
    schema: toSchema(z.string().startsWith("attachment"), "output"),
  },
} as const;

type HeaderName = keyof typeof HEADERS;
const COMMON_HEADERS: HeaderName[] = [
  "CacheControl",
  "XContentTypeOptions",
  "XRequestId",
  "Vary",
  "AccessControlAllowOrigin",
  "AccessControlExposeHeaders",
];
/** The response header names, as sent, for each component above. */
export const HEADER_NAMES: Record<HeaderName, string> = {
  CacheControl: "Cache-Control",
  XContentTypeOptions: "X-Content-Type-Options",
  Vary: "Vary",
  AccessControlAllowOrigin: "Access-Control-Allow-Origin",
  AccessControlExposeHeaders: "Access-Control-Expose-Headers",
  XRequestId: "X-Request-Id",
  RetryAfter: "Retry-After",
  IdempotentReplayed: "Idempotent-Replayed",
  ContentDisposition: "Content-Disposition",
};
const RETRYABLE: ReadonlySet<ErrorCode> = new Set(["rate_limited", "busy", "database_unavailable"]);

function headersOf(names: HeaderName[]): OpenApiResponse["headers"] {
  return Object.fromEntries(names.map((name) => [HEADER_NAMES[name], { $ref: `#/components/headers/${name}` }]));
}

const errorBodySchema = z
  .object({
    success: z.literal(false),
    error: z.string(),
    code: z.string(),
    /** Only with `invalid_input`: every problem, by field path. */
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    /** The response's X-Request-Id, to quote when reporting the error. */
    requestId: z.string().min(1),
  })
  .meta({
    id: "ErrorBody",
    description:
      "The error envelope; `issues` comes only with `invalid_input`; `requestId` is the response's X-Request-Id.",
  });

/** The envelope with exactly the codes one response can carry. */
function errorBodyWithCodes(codes: [ErrorCode, ...ErrorCode[]]): z.ZodType {
  return z.intersection(errorBodySchema, z.looseObject({ code: z.enum(codes) }));
}

function successResponse(declared: z.ZodObject | RawResponse, shared: SharedSchemas): OpenApiResponse {
  if ("contentTypes" in declared) {
    // The schema describes the JSON content types; any other (HTML, CSV) is text.
    const text = toSchema(z.string(), "output", shared);
    const json = declared.schema ? toSchema(declared.schema, "output", shared) : text;
    return {
      description: declared.description,
      headers: headersOf(declared.download ? [...COMMON_HEADERS, "ContentDisposition"] : COMMON_HEADERS),
      content: Object.fromEntries(
        declared.contentTypes.map((type) => [type, { schema: type.startsWith("application/json") ? json : text }]),
      ),
    };
  }
  return {
    description: "Success.",
    headers: headersOf(COMMON_HEADERS),
    content: {
      "application/json": { schema: toSchema(declared.extend({ success: z.literal(true) }), "output", shared) },
    },
  };
}

function errorResponses(method: HttpMethod, op: Operation, shared: SharedSchemas): Record<string, OpenApiResponse> {
  const codes = [...new Set([...(op.errors ?? []), ...impliedErrors(method, op)])];
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  const responses: Record<string, OpenApiResponse> = {};
  for (const [status, group] of [...byStatus].sort(([a], [b]) => a - b)) {
    const sorted = group.sort() as [ErrorCode, ...ErrorCode[]];
    responses[String(status)] = {
      description: sorted.map((code) => `\`${code}\``).join(", "),
      headers: headersOf(
        sorted.some((code) => RETRYABLE.has(code)) ? [...COMMON_HEADERS, "RetryAfter"] : COMMON_HEADERS,
      ),
      content: { "application/json": { schema: toSchema(errorBodyWithCodes(sorted), "output", shared) } },
    };
  }
  return responses;
}

const SECURITY: Record<Operation["auth"], Record<string, string[]>[]> = {
  none: [],
  optional: [{}, { bearerToken: [] }],
  user: [{ bearerToken: [] }],
  registered: [{ bearerToken: [] }],
  cron: [{ cronSecret: [] }],
};

function parametersOf(op: Operation, shared: SharedSchemas): OpenApiOperation["parameters"] {
  const parameters: NonNullable<OpenApiOperation["parameters"]> = [];
  for (const [where, schema] of [
    ["path", op.params],
    ["query", op.query],
  ] as const) {
    if (!schema) continue;
    const json = toSchema(schema, "input", shared) as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      parameters.push({
        name,
        in: where,
        required: where === "path" || !!json.required?.includes(name),
        schema: property,
      });
    }
  }
  if (op.idempotent) {
    parameters.push({
      name: "Idempotency-Key",
      in: "header",
      required: false,
      description:
        "A fresh random key per intended write: the same key and request within 24 h answers the first answer again without a second write; with another request it is a 422 `idempotency_key_reused`; while the first is running, a 503 `busy`.",
      schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[\\x21-\\x7e]+$" },
    });
  }
  return parameters.length > 0 ? parameters : undefined;
}

function operationId(method: HttpMethod, path: string): string {
  const words = path
    .replace(/^\/api\//, "")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return method.toLowerCase() + words.map((word) => word[0]?.toUpperCase() + word.slice(1)).join("");
}

function toOperation(path: string, method: HttpMethod, op: Operation, shared: SharedSchemas): OpenApiOperation {
  const responses: Record<string, OpenApiResponse> = {};
  for (const [status, declared] of Object.entries(op.responses))
    if (declared) responses[status] = successResponse(declared, shared);
  return {
    operationId: operationId(method, path),
    summary: op.summary,
    tags: [path.split("/")[2] ?? "api"],
    security: SECURITY[op.auth],
    ...(op.auth === "registered" ? { description: "A guest's token is refused with 403 `forbidden`." } : {}),
    parameters: parametersOf(op, shared),
    ...(op.body
      ? {
          requestBody: {
            // A body every field of which is optional may be left out.
            required: !op.body.safeParse({}).success,
            content: { "application/json": { schema: toSchema(op.body, "input", shared) } },
          },
        }
      : {}),
    responses: withReplayHeader(op, { ...responses, ...errorResponses(method, op, shared) }),
  };
}

/** An idempotent operation may answer any of its responses again, marked as a replay. */
function withReplayHeader(op: Operation, responses: Record<string, OpenApiResponse>): Record<string, OpenApiResponse> {
  if (!op.idempotent) return responses;
  return Object.fromEntries(
    Object.entries(responses).map(([status, response]) => [
      status,
      { ...response, headers: { ...response.headers, ...headersOf(["IdempotentReplayed"]) } },
    ]),
  );
}

export function buildOpenApiDocument(routes: readonly RouteContract[]): OpenApiDocument {
  const paths: OpenApiDocument["paths"] = {};
  const shared: SharedSchemas = {};
  for (const { path, operations } of [...routes].sort((a, b) => a.path.localeCompare(b.path))) {
    const item: OpenApiDocument["paths"][string] = {};
    for (const [method, op] of Object.entries(operations) as [HttpMethod, Operation][]) {
      item[method.toLowerCase() as Lowercase<HttpMethod>] = toOperation(path, method, op, shared);
    }
    paths[path] = item;
  }
  return {
    openapi: "3.1.0",
    info: { title: "Shatter events API", version: "1.0.0", description: DESCRIPTION },
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(shared).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: {
        bearerToken: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: "The token from signup, login or join/guest (a guest token).",
        },
        cronSecret: { type: "http", scheme: "bearer", description: "Vercel Cron's `Bearer $CRON_SECRET`." },
      },
      headers: HEADERS,
    },
  };
}
