import type { VercelRequest, VercelResponse } from "@vercel/node";
import mongoose from "mongoose";
import { currentClaims } from "../auth/token-versions";
import { connectDatabase, type DatabaseConnection, recordDatabaseFailure } from "../db/connection";
import { env } from "../env";
import { ApiError, toApiError, toErrorBody } from "../errors";
import { newDocumentId } from "../ids";
import { withRequestContext } from "../log";
import { authorize } from "./authorize";
import { readRequestBody } from "./body";
import { setCommonHeaders } from "./cors";
import {
  beginIdempotent,
  type IdempotentAttempt,
  type IdempotentReplay,
  isRepeatableAnswer,
  readIdempotencyKey,
  recordIdempotentAnswer,
  releaseIdempotencyKey,
  settleQuickly,
} from "./idempotency";
import type { AuthRule, HandlerInput, HttpMethod, Operation, RouteHandler } from "./operation";
import { requestIdOf } from "./request-id";
import { countCommandsOf, logRequestEnd, startCountingCommands } from "./request-log";
import { type Outcome, send, sendError, statusOf, writeStream } from "./send";
import { TimeBudgetExceeded, withinTimeBudget } from "./time-budget";

// Route files import all they declare from here.
export { MAX_BODY_BYTES } from "./body";
export {
  type AuthRule,
  type HandlerInput,
  type HttpMethod,
  impliedErrors,
  type Operation,
  operation,
  type RawResponse,
  type Reply,
  type Responses,
  type RouteContract,
  type RouteHandler,
} from "./operation";

/**
 * One Vercel function: the declared operations per method behind the one wrapper. For every
 * request, in this order: CORS and security headers, method (405 with Allow), path params, auth,
 * query, body (JSON only, ≤ 16 KiB), the database connection, the token's version, the
 * operation's limits, its Idempotency-Key, the handler; anything thrown becomes
 * the error envelope. So the same bad request gets the same answer on every route. Each request
 * runs in its log context (id and route) and ends with one log line (request-log.ts).
 */
export function route(path: string, operations: Partial<Record<HttpMethod, Operation>>): RouteHandler {
  const allow = [...Object.keys(operations), "OPTIONS"].join(", ");
  const handle = (req: VercelRequest, res: VercelResponse): Promise<void> => {
    const requestId = requestIdOf(req);
    const exchange: Exchange = { req, res, path, allow, requestId };
    return withRequestContext({ requestId, route: `${req.method} ${path}` }, () => serve(exchange, operations));
  };
  return Object.assign(handle, { contract: { path, operations } });
}

/** One request on its way through the stages below, and what they took hold of. */
interface Exchange {
  req: VercelRequest;
  res: VercelResponse;
  path: string;
  allow: string;
  requestId: string;
  /** The connection the request runs on, once it asked for one, and since when it waits on it. */
  database?: DatabaseConnection;
  databaseSince?: number;
  /** The Idempotency-Key the request holds, once it took it. */
  held?: IdempotentAttempt;
}

/** What the request checked and parsed before it runs. */
interface ParsedRequest {
  input: HandlerInput<AuthRule, unknown, unknown, unknown>;
  rawBody: unknown;
  idempotencyKey: string | undefined;
}

async function serve(exchange: Exchange, operations: Partial<Record<HttpMethod, Operation>>): Promise<void> {
  const startedAt = performance.now();
  startCountingCommands();
  setCommonHeaders(exchange.req, exchange.res, exchange.allow, exchange.requestId);
  try {
    if (exchange.req.method === "OPTIONS") {
      answerPreflight(exchange);
      logRequestEnd(204, startedAt);
      return;
    }
    const op = chooseOperation(exchange, operations);
    const parsed = parseRequest(exchange, op);
    const outcome = await runOperation(exchange, op, parsed);
    const status = send(exchange.res, exchange.requestId, op, outcome);
    const cut =
      outcome.kind === "answered" &&
      "stream" in outcome.reply &&
      (await writeStream(exchange.res, outcome.reply.stream));
    if (cut) logRequestEnd(cut.status, startedAt, cut);
    else logRequestEnd(status, startedAt);
  } catch (error) {
    const failure = await settleFailure(exchange, error);
    sendError(exchange.res, exchange.requestId, failure);
    logRequestEnd(failure.status, startedAt, failure);
  }
}

function answerPreflight({ res, allow }: Exchange): void {
  res.setHeader("Allow", allow);
  res.status(204).end();
}

function chooseOperation({ req, res, allow }: Exchange, operations: Partial<Record<HttpMethod, Operation>>): Operation {
  const op = operations[req.method as HttpMethod];
  if (op) return op;
  res.setHeader("Allow", allow);
  throw new ApiError("method_not_allowed", `${req.method} is not allowed on this route.`);
}

/** Path params, auth, query, body, Idempotency-Key: in this order, so one bad request gets one answer. */
function parseRequest(exchange: Exchange, op: Operation): ParsedRequest {
  const { req } = exchange;
  const params = op.params?.parse(req.query);
  const claims = authorize(op.auth, req.headers.authorization);
  const query = op.query?.parse(req.query);
  const rawBody = readRequestBody(req, op.body !== undefined);
  // Only a missing body stands for `{}`; a JSON `null` is a body of the wrong type.
  const body = op.body?.parse(rawBody === undefined ? {} : rawBody);
  const idempotencyKey = op.idempotent ? readIdempotencyKey(req.headers["idempotency-key"]) : undefined;
  const newId = () => exchange.held?.reservedId ?? newDocumentId();
  return { input: { params, query, body, claims, req, newId } as ParsedRequest["input"], rawBody, idempotencyKey };
}

/** The handler, on the database within the time budget unless the operation needs none. */
async function runOperation(exchange: Exchange, op: Operation, parsed: ParsedRequest): Promise<Outcome> {
  if (op.database === false) return { kind: "answered", reply: await op.handler(parsed.input) };
  exchange.databaseSince = Date.now();
  return withinTimeBudget(runOnDatabase(exchange, op, parsed), env.REQUEST_BUDGET_MS);
}

async function runOnDatabase(exchange: Exchange, op: Operation, parsed: ParsedRequest): Promise<Outcome> {
  exchange.database = connectDatabase();
  await exchange.database;
  countCommandsOf(mongoose.connection.getClient());
  parsed.input.claims = await currentClaims(parsed.input.claims, op.auth === "optional");
  // Before the key is looked up, so replays and 422s count toward the per-IP limits too.
  if (op.limit) await op.limit(parsed.input);
  if (parsed.idempotencyKey !== undefined) {
    const replay = await takeIdempotencyKey(exchange, parsed);
    if (replay) return replay;
  }
  const reply = await op.handler(parsed.input);
  if (exchange.held && "body" in reply) {
    await recordIdempotentAnswer(exchange.held, statusOf(op, reply), Object.assign({ success: true }, reply.body));
  }
  return { kind: "answered", reply };
}

/** Holds the request's key (exchange.held), or gives the first answer when this is a retry. */
async function takeIdempotencyKey(exchange: Exchange, parsed: ParsedRequest): Promise<IdempotentReplay | undefined> {
  const { req } = exchange;
  // The concrete path: a key sent to one event's join means nothing on another's.
  const scope = { route: `${req.method} ${concretePath(req.url)}`, caller: parsed.input.claims?.userId ?? null };
  const key = parsed.idempotencyKey ?? "";
  const begun = await beginIdempotent(scope, key, { params: req.query, body: parsed.rawBody ?? null });
  if (begun.kind === "replay") return begun;
  exchange.held = begun;
  return undefined;
}

function concretePath(url: string | undefined): string {
  return new URL(url ?? "/", "http://localhost").pathname;
}

/** What was thrown, as the error to answer; the database and the key are dealt with first. */
async function settleFailure(exchange: Exchange, error: unknown): Promise<ApiError> {
  const failure = toApiError(error);
  if (failure.code === "database_unavailable") {
    recordDatabaseFailure(exchange.database, error instanceof TimeBudgetExceeded ? exchange.databaseSince : undefined);
  }
  const { held } = exchange;
  // Bounded: the answer is due within the budget, and a key left held lapses by itself.
  if (held) {
    await settleQuickly(
      isRepeatableAnswer(failure.status)
        ? recordIdempotentAnswer(held, failure.status, toErrorBody(failure, exchange.requestId))
        : releaseIdempotencyKey(held),
    );
  }
  return failure;
}
