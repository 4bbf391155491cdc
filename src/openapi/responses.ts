import { z } from "zod";
import { ERROR_STATUS, type ErrorCode } from "../errors";
import { EXPOSED_HEADERS } from "../http/cors";
import { type HttpMethod, impliedErrors, type Operation, type RawResponse } from "../http/operation";
import { type JsonSchema, type SharedSchemas, toSchema } from "./json-schema";

// An operation's responses in the OpenAPI document: the success it declares, one response per
// error status listing exactly the codes it can answer, and the headers each carries.

export interface OpenApiResponse {
  description: string;
  headers: Record<string, { $ref: string }>;
  content: Record<string, { schema: JsonSchema }>;
}

export const HEADERS = {
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

export function successResponse(declared: z.ZodObject | RawResponse, shared: SharedSchemas): OpenApiResponse {
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

export function errorResponses(
  method: HttpMethod,
  op: Operation,
  shared: SharedSchemas,
): Record<string, OpenApiResponse> {
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

/** An idempotent operation may answer any of its responses again, marked as a replay. */
export function withReplayHeader(
  op: Operation,
  responses: Record<string, OpenApiResponse>,
): Record<string, OpenApiResponse> {
  if (!op.idempotent) return responses;
  return Object.fromEntries(
    Object.entries(responses).map(([status, response]) => [
      status,
      { ...response, headers: { ...response.headers, ...headersOf(["IdempotentReplayed"]) } },
    ]),
  );
}
