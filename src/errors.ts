import mongoose from "mongoose";
import { ZodError } from "zod";
import { describeError } from "./log";

export { describeError };

// Every error code the API answers with, and its status. Clients branch on `code`.
export const ERROR_STATUS = {
  invalid_input: 400,
  invalid_json: 400,
  event_full: 400,
  invalid_meeting_code: 400,
  cannot_meet_yourself: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  forbidden: 403,
  banned: 403,
  guests_not_allowed: 403,
  not_found: 404,
  method_not_allowed: 405,
  email_taken: 409,
  invalid_transition: 409,
  event_ended: 409,
  event_not_active: 409,
  event_not_pending: 409,
  square_taken: 409,
  participant_already_used: 409,
  participant_limit_too_low: 409,
  already_connected: 409,
  joins_locked: 409,
  meeting_not_verified: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  rate_limited: 429,
  internal_error: 500,
  database_unavailable: 503,
  busy: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorIssue {
  path: string;
  message: string;
}

export interface ErrorBody {
  success: false;
  error: string;
  code: ErrorCode;
  issues?: ErrorIssue[];
  /** The response's X-Request-Id: what a user quotes, and what every log line of the request carries. */
  requestId: string;
}

export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ErrorIssue[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
  }
}

/** Seconds a client waits before retrying a `busy` or `database_unavailable` answer. */
export const RETRY_AFTER_SECONDS = 1;

/**
 * The same request is expected to succeed shortly (a write lost every retry to concurrent writes
 * on the same document and changed nothing, or an earlier request with the same Idempotency-Key is
 * still running). 503 with Retry-After, so clients retry it as they would an overloaded server,
 * never as a refusal.
 */
export function busyError(message: string, retryAfterSeconds = RETRY_AFTER_SECONDS): ApiError {
  return new ApiError("busy", message, undefined, { "Retry-After": String(Math.max(1, retryAfterSeconds)) });
}

/** The 404 of every route that names an event by id. */
export function eventNotFound(): ApiError {
  return new ApiError("not_found", "No event with that id.");
}

export function isDuplicateKeyError(error: unknown): error is { code: 11000; keyPattern?: Record<string, unknown> } {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === 11000;
}

const UNREACHABLE_ERRORS = new Set([
  "MongooseServerSelectionError",
  "MongoServerSelectionError",
  "MongoOperationTimeoutError",
  "MongoNotConnectedError",
  "MongoTopologyClosedError",
  // A request still running on a connection that was discarded because the database failed: its
  // client, pool and implicit session are closed under it.
  "MongoClientClosedError",
  "MongoPoolClosedError",
  "MongoExpiredSessionError",
]);

// Socket errors the driver sometimes lets through unwrapped, e.g. "This socket has been ended by
// the other party" (EPIPE) when it writes to a connection the database side has half-closed.
const SOCKET_ERROR_CODES = new Set([
  "EPIPE",
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTCONN",
  "ERR_SOCKET_CLOSED",
  "ERR_STREAM_DESTROYED",
  "ERR_STREAM_WRITE_AFTER_END",
]);

/** Whether `error` (or what caused it) means the database could not be reached or stopped answering. */
export function isDatabaseUnreachable(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    // MongoNetworkError covers its subclasses: timeouts, resets, pools cleared by a failed monitor.
    if (cause instanceof mongoose.mongo.MongoNetworkError || UNREACHABLE_ERRORS.has(cause.name)) return true;
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string" && SOCKET_ERROR_CODES.has(code)) return true;
  }
  return false;
}

/** Turns anything thrown while handling a request into the error envelope. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ZodError) {
    const issues = error.issues.map((issue) => ({
      path: issue.path.map(String).join("."),
      message: issue.message,
    }));
    return new ApiError("invalid_input", "The request is not valid.", issues);
  }
  // Every unique index the code relies on is handled where it is written; one that still escapes
  // lost a race with a concurrent write, which a retry resolves.
  if (isDuplicateKeyError(error)) return busyError("That collided with a concurrent change; please try again.");
  if (isDatabaseUnreachable(error)) {
    return new ApiError("database_unavailable", "The database is unreachable. Try again shortly.", undefined, {
      "Retry-After": String(RETRY_AFTER_SECONDS),
    });
  }
  // Not logged here: the request's one log line carries it, with its stack and the request id.
  const unhandled = new ApiError("internal_error", "Something went wrong on our side.");
  unhandled.cause = error;
  return unhandled;
}

export function toErrorBody(error: ApiError, requestId: string): ErrorBody {
  return {
    success: false,
    error: error.message,
    code: error.code,
    ...(error.issues ? { issues: error.issues } : {}),
    requestId,
  };
}
