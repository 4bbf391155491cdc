import type { HttpMethod, Operation, RouteContract } from "../http/operation";
import { type JsonSchema, type SharedSchemas, toSchema } from "./json-schema";
import { errorResponses, HEADERS, type OpenApiResponse, successResponse, withReplayHeader } from "./responses";

export type { OpenApiResponse };

// The OpenAPI 3.1 document, generated from the routes' declarations: every schema in it comes from
// a zod schema through z.toJSONSchema, so what the server enforces and what clients read are one.

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

const DESCRIPTION = `The Shatter events API. JSON in, JSON out; every success has \`"success": true\`, every error is the
error envelope with a \`code\` from the closed list of each response. Every operation checks, in this
order: method (405 with \`Allow\`), path parameters, auth, query, body; so the same bad request gets the
same answer on every route. \`OPTIONS\` on any path answers 204 with \`Allow\` (CORS preflight). Every
response carries \`X-Request-Id\`, and every error body the same id as \`requestId\`: quote it when reporting one.`;

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
        "A fresh random key per intended write: the same key and request within 24 h answers the first answer again without a second write; with another request it is a 422 `idempotency_key_reused`; while the first is running, a 503 `busy`. Without an Authorization token it must carry 128 bits (a UUID v4, or at least 22 URL-safe characters). Scoped to the caller and the concrete path.",
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
