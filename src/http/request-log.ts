import type mongoose from "mongoose";
import type { ApiError } from "../errors";
import { currentRequest, describeError, type LogLevel, log, type RequestContext } from "../log";

// One line per request when it is answered: its status, how long it took, how many database
// commands it sent and, for a 500, what was thrown with its stack. Commands are counted through the
// driver's command monitoring; the driver starts each command in the async context of the request
// that awaits it, so concurrent requests on one connection pool each count their own.

const commandsByRequest = new WeakMap<RequestContext, { count: number }>();
const watchedClients = new WeakSet<object>();

type MongoClient = ReturnType<typeof mongoose.connection.getClient>;

/** Starts counting the current request's commands; call inside withRequestContext. */
export function startCountingCommands(): void {
  const context = currentRequest();
  if (context) commandsByRequest.set(context, { count: 0 });
}

/** Counts `client`'s commands towards the requests that send them (once per client). */
export function countCommandsOf(client: MongoClient): void {
  if (watchedClients.has(client)) return;
  watchedClients.add(client);
  client.on("commandStarted", () => {
    const context = currentRequest();
    const counter = context && commandsByRequest.get(context);
    if (counter) counter.count++;
  });
}

/** 5xx is ours to look at; a 4xx is the API answering a client's mistake as designed. */
function levelOf(status: number): LogLevel {
  return status >= 500 ? "error" : "info";
}

/** Writes the request's line; `failure` is what was thrown when it ended in an error. */
export function logRequestEnd(status: number, startedAt: number, failure?: ApiError): void {
  const context = currentRequest();
  const commands = context ? commandsByRequest.get(context)?.count : undefined;
  const thrown = failure?.code === "internal_error" ? failure.cause : undefined;
  log(levelOf(status), "request", {
    status,
    ms: Math.round(performance.now() - startedAt),
    ...(commands === undefined ? {} : { dbCommands: commands }),
    ...(thrown === undefined
      ? {}
      : { error: describeError(thrown), stack: thrown instanceof Error ? thrown.stack : undefined }),
  });
}
