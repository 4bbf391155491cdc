import type { VercelRequest, VercelResponse } from "@vercel/node";
import type { z } from "zod";
import { readClaims, requireClaims, type TokenClaims } from "../auth/tokens";
import {
  connectDatabase,
  type DatabaseConnection,
  discardDatabaseConnection,
  recordDatabaseAnswered,
  recordDatabaseFailure,
} from "../db/connection";
import { env } from "../env";
import { findMalformedText } from "../schemas/text";
import { ApiError, toApiError, toErrorBody } from "./errors";
import { withinTimeBudget } from "./time-budget";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RequestContext {
  req: VercelRequest;
  /** Path parameters (Vercel passes them in the query string) parsed by `schema`. */
  params<S extends z.ZodType>(schema: S): z.infer<S>;
  /** The JSON body parsed by `schema`; unknown fields are dropped by the schema. */
  body<S extends z.ZodType>(schema: S): z.infer<S>;
  /** The caller's verified token claims; a missing or bad token is a 401. */
  claims(): TokenClaims;
  /** The caller's claims when a valid token was sent, otherwise null. */
  optionalClaims(): TokenClaims | null;
}

export interface Reply {
  status?: number;
  body?: object;
}

export type Handler = (ctx: RequestContext) => Promise<Reply>;

export const MAX_BODY_BYTES = 16 * 1024;
const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

/**
 * Wraps one Vercel function: CORS and security headers, method check (405 with Allow), JSON
 * body parsing with the size limit, the database connection, and the error envelope. Handlers
 * only parse, load, check and respond.
 */
export function route(handlers: Partial<Record<HttpMethod, Handler>>) {
  const allow = [...Object.keys(handlers), "OPTIONS"].join(", ");

  return async function handle(req: VercelRequest, res: VercelResponse): Promise<void> {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Cache-Control", "no-store");
    applyCors(req, res, allow);
    let database: DatabaseConnection | undefined;
    try {
      if (req.method === "OPTIONS") {
        res.setHeader("Allow", allow);
        res.status(204).end();
        return;
      }
      const handler = handlers[req.method as HttpMethod];
      if (!handler) {
        res.setHeader("Allow", allow);
        throw new ApiError("method_not_allowed", `${req.method} is not allowed on this route.`);
      }
      const body = BODY_METHODS.has(req.method ?? "") ? readJsonBody(req) : undefined;
      const context = createContext(req, body);
      const reply = await withinTimeBudget(
        (async () => {
          database = connectDatabase();
          await database;
          return handler(context);
        })(),
        env.REQUEST_BUDGET_MS,
        () => discardDatabaseConnection(database),
      );
      recordDatabaseAnswered();
      res.status(reply.status ?? 200).json({ success: true, ...reply.body });
    } catch (error) {
      const apiError = toApiError(error);
      if (apiError.code === "database_unavailable") recordDatabaseFailure(database, error);
      for (const [name, value] of Object.entries(apiError.headers)) res.setHeader(name, value);
      res.status(apiError.status).json(toErrorBody(apiError));
    }
  };
}

function createContext(req: VercelRequest, body: unknown): RequestContext {
  return {
    req,
    params: (schema) => schema.parse(req.query),
    // Only a missing body stands for `{}`; a JSON `null` is a body of the wrong type.
    body: (schema) => schema.parse(body === undefined ? {} : body),
    claims: () => requireClaims(req.headers.authorization),
    optionalClaims: () => readClaims(req.headers.authorization),
  };
}

function readJsonBody(req: VercelRequest): unknown {
  const length = Number(req.headers["content-length"] ?? 0);
  if (length > MAX_BODY_BYTES) throw tooLarge();
  const contentType = req.headers["content-type"];
  // HTTP/2 requests may carry no Content-Length: a declared content type also means a body.
  const declaresBody = length > 0 || req.headers["transfer-encoding"] !== undefined;
  if (contentType === undefined && !declaresBody) return undefined;

  const mediaType = contentType?.split(";")[0]?.trim().toLowerCase();
  if (mediaType !== "application/json") {
    if (req.headers["content-length"] === "0") return undefined;
    throw new ApiError("unsupported_media_type", "Send the request body as application/json.");
  }
  let body: unknown;
  try {
    body = req.body;
  } catch {
    throw new ApiError("invalid_json", "The request body is not valid JSON.");
  }
  // Without a Content-Length (chunked, HTTP/2), measure what the body parsed to instead.
  if (length === 0 && chunkedBodyBytes(body) > MAX_BODY_BYTES) throw tooLarge();
  // Invalid UTF-8 decodes to U+FFFD and a lone surrogate would be stored as one: refuse both.
  const malformedAt = findMalformedText(body);
  if (malformedAt !== undefined) {
    throw new ApiError("invalid_input", "The request is not valid.", [
      { path: malformedAt, message: "must be well-formed UTF-8 text" },
    ]);
  }
  return body;
}

function chunkedBodyBytes(body: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(body ?? null));
  } catch {
    // JSON.stringify recurses: a few thousand levels of nesting overflow the stack.
    throw new ApiError("invalid_input", "The request is not valid.", [{ path: "", message: "is nested too deeply" }]);
  }
}

function tooLarge(): ApiError {
  return new ApiError("payload_too_large", `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB.`);
}

function applyCors(req: VercelRequest, res: VercelResponse, allow: string): void {
  const origin = req.headers.origin;
  if (!origin) return;
  const allowed = env.CORS_ORIGINS.includes("*") || env.CORS_ORIGINS.includes(origin);
  res.setHeader("Vary", "Origin");
  if (!allowed) return;
  res.setHeader("Access-Control-Allow-Origin", origin);
  if (req.method === "OPTIONS") {
    res.setHeader("Access-Control-Allow-Methods", allow);
    res.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type");
    res.setHeader("Access-Control-Max-Age", "600");
  }
}
