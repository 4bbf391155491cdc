import { AsyncLocalStorage } from "node:async_hooks";
import { env } from "./env";

// One JSON object per line on stderr, which Vercel's log view shows and filters as it is. Lines
// written while a request is handled carry its id and route, so a user quoting the `requestId`
// of an error body leads to every line that request wrote.

export type LogLevel = "info" | "warn" | "error";

/** What every line written during one request carries. */
export interface RequestContext {
  requestId: string;
  route: string;
}

const requests = new AsyncLocalStorage<RequestContext>();

/** Runs `work` with `context` attached to every line it (and what it awaits) logs. */
export function withRequestContext<T>(context: RequestContext, work: () => T): T {
  return requests.run(context, work);
}

/** The context of the request being handled, if any. */
export function currentRequest(): RequestContext | undefined {
  return requests.getStore();
}

const SEVERITY: Record<LogLevel, number> = { info: 0, warn: 1, error: 2 };

export function log(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
  if (SEVERITY[level] < SEVERITY[env.LOG_LEVEL]) return;
  const line = { level, msg, ...currentRequest(), ...fields, time: new Date().toISOString() };
  console.error(JSON.stringify(line));
}

/** Logs a failure that was handled (a publish refused, a log entry lost): name and message. */
export function logFailure(msg: string, error: unknown, fields: Record<string, unknown> = {}): void {
  log("error", msg, { ...fields, error: describeError(error) });
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
