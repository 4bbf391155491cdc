import type { VercelRequest, VercelResponse } from "@vercel/node";
import type mongoose from "mongoose";
import type { z } from "zod";
import type { TokenClaims } from "../auth/tokens";
import type { ErrorCode } from "../errors";
import { BODY_METHODS } from "./body";

// What a route declares: one `operation({...})` per method. The wrapper (route.ts) enforces it,
// the OpenAPI document (src/openapi/document.ts) describes it.

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
  /** A file to save: the reply sends `Content-Disposition: attachment; filename=…`. */
  download?: true;
}

/** Success responses by status: a zod schema of the JSON body (without `success`), or raw content. */
export type Responses = Partial<Record<200 | 201, z.ZodObject | RawResponse>>;

type Output<S> = S extends z.ZodType ? z.output<S> : undefined;
type JsonBody<R extends Responses> = {
  [K in keyof R]: R[K] extends z.ZodObject ? z.input<R[K]> : never;
}[keyof R];

/** Headers a raw reply adds (a download's `Content-Disposition`). */
type RawHeaders = { headers?: Record<string, string> };

export type Reply<R extends Responses> =
  | { status?: keyof R & number; body: JsonBody<R> }
  | ({ status?: keyof R & number; raw: string | Buffer; contentType?: string } & RawHeaders)
  /** Written chunk by chunk as it is produced, so memory stays bounded whatever its length. */
  | ({ status?: keyof R & number; stream: AsyncIterable<string>; contentType?: string } & RawHeaders);

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
   * `true` for operations that create things: they honour an `Idempotency-Key` header
   * (docs/retries-and-idempotency.md), and what they create takes its id from `newId()`.
   */
  idempotent?: true;
  /**
   * Limits counted before the `Idempotency-Key` is looked up (per-IP signup and guest-join limits),
   * so a replay or a 422 counts like any request; throws 429 `rate_limited`.
   */
  limit?: (input: HandlerInput<A, P, Q, B>) => Promise<void>;
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

/**
 * The error codes the wrapper itself can answer for an operation, on top of its declared ones:
 * the input and auth checks it runs, the body reader, the database and the catch-all.
 */
export function impliedErrors(method: HttpMethod, op: Operation): ErrorCode[] {
  const codes: ErrorCode[] = [];
  const readsBody = BODY_METHODS.has(method) || op.body !== undefined;
  if (op.params || op.query || op.body || readsBody) codes.push("invalid_input");
  if (readsBody) codes.push("invalid_json", "payload_too_large", "unsupported_media_type", "busy");
  if (op.auth === "user" || op.auth === "registered" || op.auth === "cron") codes.push("unauthorized");
  if (op.auth === "registered") codes.push("forbidden");
  if (op.database !== false) codes.push("database_unavailable");
  if (op.idempotent) codes.push("invalid_input", "idempotency_key_reused", "busy");
  codes.push("internal_error");
  return codes;
}
