import type { VercelRequest, VercelResponse } from "@vercel/node";
import mongoose from "mongoose";
import type { z } from "zod";
import { requireCronSecret } from "../auth/cron";
import { currentClaims } from "../auth/token-versions";
import { readClaims, requireClaims, type TokenClaims } from "../auth/tokens";
import {
  connectDatabase,
  type DatabaseConnection,
  discardDatabaseConnection,
  recordDatabaseAnswered,
  recordDatabaseFailure,
} from "../db/connection";
import { env } from "../env";
import { ApiError, type ErrorCode, toApiError, toErrorBody } from "../errors";
import { findMalformedText } from "../schemas/text";
import {
  beginIdempotent,
  type IdempotentAttempt,
  isRepeatableAnswer,
  readIdempotencyKey,
  recordIdempotentAnswer,
  releaseIdempotencyKey,
  settleQuickly,
} from "./idempotency";
import { withinTimeBudget } from "./time-budget";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * Who may call an operation. `user`: any valid token (registered or guest); `registered`: a
 * registered user's token (a guest's is a 403); `optional`: a valid token is read when sent and
 * ignored otherwise; `cron`: Vercel Cron's `Bearer $CRON_SECRET`.
 */
export type AuthRule = "none" | "optional" | "user" | "registered" | "cron";

type ClaimsFor<A extends AuthRule> = A extends "user" | "registered"
  ? TokenClaims
  : A extends "optional"
    ? TokenClaims | null
    : null;

/** A response that is not the JSON envelope (the docs page, the OpenAPI document itself). */
export interface RawResponse {
  /** The first is the default; a handler picks another with `contentType`. */
  contentTypes: readonly [string, ...string[]];
  description: string;
  /** The shape of the content when it is JSON; text otherwise. */
  schema?: z.ZodType;
}

/** Success responses by status: a zod schema of the JSON body (without `success`), or raw content. */
export type Responses = Partial<Record<200 | 201, z.ZodObject | RawResponse>>;

type Output<S> = S extends z.ZodType ? z.output<S> : undefined;
type JsonBody<R extends Responses> = {
  [K in keyof R]: R[K] extends z.ZodObject ? z.input<R[K]> : never;
}[keyof R];

export type Reply<R extends Responses> =
  | { status?: keyof R & number; body: JsonBody<R> }
  | { status?: keyof R & number; raw: string | Buffer; contentType?: string };

export interface HandlerInput<A extends AuthRule, P, Q, B> {
  params: Output<P>;
  query: Output<Q>;
  body: Output<B>;
  claims: ClaimsFor<A>;
  req: VercelRequest;
  /**
   * The id for what this request creates: with an `Idempotency-Key`, the one reserved with the
   * key, so a retry of a request that died after its write finds what was stored instead of
   * creating it again; a fresh id otherwise.
   */
  newId: () => mongoose.Types.ObjectId;
}

/** One method of one function, declared: what it accepts, who may call it, what it answers. */
export interface Operation<
  A extends AuthRule = AuthRule,
  P extends z.ZodObject | undefined = z.ZodObject | undefined,
  Q extends z.ZodObject | undefined = z.ZodObject | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
  R extends Responses = Responses,
> {
  /** One line for the docs; the route file's `// METHOD /path – …` comment says the same. */
  summary: string;
  auth: A;
  params?: P;
  query?: Q;
  body?: B;
  responses: R;
  /** The codes this operation's own rules answer; the wrapper adds the ones it owns (see impliedErrors). */
  errors?: readonly ErrorCode[];
  /** `false` for operations that never touch the database (the docs): no connection, no 503. */
  database?: false;
  /**
   * `true` for operations that create things: they honour an `Idempotency-Key` header (README,
   * "Retrying a write"), and what they create takes its id from `newId()`.
   */
  idempotent?: true;
  handler: (input: HandlerInput<A, P, Q, B>) => Promise<Reply<R>>;
}

/** Declares one operation; a function so TypeScript infers the handler's input from the schemas. */
export function operation<
  A extends AuthRule,
  R extends Responses,
  P extends z.ZodObject | undefined = undefined,
  Q extends z.ZodObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(declared: Operation<A, P, Q, B, R>): Operation {
  return declared as unknown as Operation;
}

export interface RouteContract {
  /** The public path, OpenAPI style: `/api/events/{eventId}/join/user`. */
  path: string;
  operations: Partial<Record<HttpMethod, Operation>>;
}

export type RouteHandler = ((req: VercelRequest, res: VercelResponse) => Promise<void>) & { contract: RouteContract };

export const MAX_BODY_BYTES = 16 * 1024;
const BODY_METHODS = new Set<string>(["POST", "PUT", "PATCH"]);

/**
 * The error codes the wrapper itself can answer for an operation, on top of its declared ones:
 * the input and auth checks it runs, the body reader, the database and the catch-all.
 */
export function impliedErrors(method: HttpMethod, op: Operation): ErrorCode[] {
  const codes: ErrorCode[] = [];
  const readsBody = BODY_METHODS.has(method);
  if (op.params || op.query || op.body || readsBody) codes.push("invalid_input");
  if (readsBody) codes.push("invalid_json", "payload_too_large", "unsupported_media_type", "busy");
  if (op.auth === "user" || op.auth === "registered" || op.auth === "cron") codes.push("unauthorized");
  if (op.auth === "registered") codes.push("forbidden");
  if (op.database !== false) codes.push("database_unavailable");
  if (op.idempotent) codes.push("invalid_input", "idempotency_key_reused", "busy");
  codes.push("internal_error");
  return codes;
}

/**
 * One Vercel function: the declared operations per method behind the one wrapper. For every
 * request, in this order: CORS and security headers, method (405 with Allow), path params, auth,
 * query, body (JSON only, ≤ 16 KiB), the database connection, the handler; anything thrown becomes
 * the error envelope. So the same bad request gets the same answer on every route.
 */
export function route(path: string, operations: Partial<Record<HttpMethod, Operation>>): RouteHandler {
  const allow = [...Object.keys(operations), "OPTIONS"].join(", ");

  async function handle(req: VercelRequest, res: VercelResponse): Promise<void> {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Cache-Control", "no-store");
    applyCors(req, res, allow);
    let database: DatabaseConnection | undefined;
    let held: IdempotentAttempt | undefined;
    try {
      if (req.method === "OPTIONS") {
        res.setHeader("Allow", allow);
        res.status(204).end();
        return;
      }
      const op = operations[req.method as HttpMethod];
      if (!op) {
        res.setHeader("Allow", allow);
        throw new ApiError("method_not_allowed", `${req.method} is not allowed on this route.`);
      }
      const params = op.params?.parse(req.query);
      const claims = authorize(op.auth, req.headers.authorization);
      const query = op.query?.parse(req.query);
      const rawBody = BODY_METHODS.has(req.method ?? "") ? readJsonBody(req) : undefined;
      // Only a missing body stands for `{}`; a JSON `null` is a body of the wrong type.
      const body = op.body?.parse(rawBody === undefined ? {} : rawBody);
      const key = op.idempotent ? readIdempotencyKey(req.headers["idempotency-key"]) : undefined;
      const input = {
        params,
        query,
        body,
        claims,
        req,
        newId: () => held?.reservedId ?? new mongoose.Types.ObjectId(),
      } as HandlerInput<AuthRule, unknown, unknown, unknown>;
      const reply =
        op.database === false
          ? await op.handler(input)
          : await withinTimeBudget(
              (async () => {
                database = connectDatabase();
                await database;
                input.claims = await currentClaims(op.auth, claims);
                if (key !== undefined) {
                  const scope = { route: `${req.method} ${path}`, caller: claims?.userId ?? null };
                  const begun = await beginIdempotent(scope, key, { params: req.query, body: rawBody ?? null });
                  if (begun.kind === "replay") return begun;
                  held = begun;
                }
                const answered = await op.handler(input);
                if (held && !("raw" in answered)) {
                  const status = answered.status ?? Number(Object.keys(op.responses)[0] ?? 200);
                  await recordIdempotentAnswer(held, status, Object.assign({ success: true }, answered.body));
                }
                return answered;
              })(),
              env.REQUEST_BUDGET_MS,
              () => discardDatabaseConnection(database),
            );
      if (op.database !== false) recordDatabaseAnswered();
      if ("kind" in reply) {
        res.setHeader("Idempotent-Replayed", "true");
        res.status(reply.status).json(reply.body);
        return;
      }
      const status = reply.status ?? Number(Object.keys(op.responses)[0] ?? 200);
      if ("raw" in reply) {
        const declared = op.responses[status as 200] as RawResponse;
        res.setHeader("Content-Type", reply.contentType ?? declared.contentTypes[0]);
        res.status(status).send(reply.raw);
      } else {
        res.status(status).json(Object.assign({ success: true }, reply.body));
      }
    } catch (error) {
      const apiError = toApiError(error);
      if (apiError.code === "database_unavailable") recordDatabaseFailure(database, error);
      // Bounded: the answer is due within the budget, and a key left held lapses by itself.
      if (held) {
        await settleQuickly(
          isRepeatableAnswer(apiError.status)
            ? recordIdempotentAnswer(held, apiError.status, toErrorBody(apiError))
            : releaseIdempotencyKey(held),
        );
      }
      for (const [name, value] of Object.entries(apiError.headers)) res.setHeader(name, value);
      res.status(apiError.status).json(toErrorBody(apiError));
    }
  }

  return Object.assign(handle, { contract: { path, operations } });
}

function authorize(rule: AuthRule, authorization: string | undefined): TokenClaims | null {
  switch (rule) {
    case "none":
      return null;
    case "optional":
      return readClaims(authorization);
    case "cron":
      requireCronSecret(authorization);
      return null;
    case "user":
      return requireClaims(authorization);
    case "registered": {
      const claims = requireClaims(authorization);
      if (claims.kind === "guest") throw new ApiError("forbidden", "Guests cannot do this; sign up first.");
      return claims;
    }
  }
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
  const malformed = findMalformedText(body);
  if (malformed !== undefined) throw new ApiError("invalid_input", "The request is not valid.", [malformed]);
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
    res.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key");
    res.setHeader("Access-Control-Max-Age", "600");
  }
}
