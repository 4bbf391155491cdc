import type { VercelResponse } from "@vercel/node";
import { type ApiError, toApiError, toErrorBody } from "../errors";
import type { IdempotentReplay } from "./idempotency";
import type { Operation, RawResponse, Reply, Responses } from "./operation";

// The last stage of a request: its answer, as JSON, raw content, a stream, or the error envelope.

/** What running an operation gives: the handler's reply, or the stored first answer to a retry. */
export type Outcome = { kind: "answered"; reply: Reply<Responses> } | IdempotentReplay;

export function statusOf(op: Operation, reply: Reply<Responses>): number {
  return reply.status ?? Number(Object.keys(op.responses)[0] ?? 200);
}

/** Sends the outcome; returns its status. */
export function send(res: VercelResponse, requestId: string, op: Operation, outcome: Outcome): number {
  if (outcome.kind === "replay") {
    res.setHeader("Idempotent-Replayed", "true");
    // A stored error names the first request's id; this answer is this request's.
    const body = outcome.status >= 400 ? { ...outcome.body, requestId } : outcome.body;
    res.status(outcome.status).json(body);
    return outcome.status;
  }
  const { reply } = outcome;
  const status = statusOf(op, reply);
  if ("raw" in reply || "stream" in reply) {
    const declared = op.responses[status as 200] as RawResponse;
    res.setHeader("Content-Type", reply.contentType ?? declared.contentTypes[0]);
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    if ("raw" in reply) res.status(status).send(reply.raw);
    else res.status(status);
  } else {
    res.status(status).json(Object.assign({ success: true }, reply.body));
  }
  return status;
}

/**
 * Writes a streamed reply (its status and headers are out already), waiting for the socket to
 * drain between chunks. A failure half-way can no longer become an error envelope: the response
 * is cut, so the client sees a truncated download rather than a complete-looking one; the
 * failure is what the request's log line reports.
 */
export async function writeStream(res: VercelResponse, stream: AsyncIterable<string>): Promise<ApiError | undefined> {
  try {
    for await (const chunk of stream) {
      if (!res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve));
    }
    res.end();
    return undefined;
  } catch (error) {
    res.destroy();
    return toApiError(error);
  }
}

export function sendError(res: VercelResponse, requestId: string, failure: ApiError): void {
  for (const [name, value] of Object.entries(failure.headers)) res.setHeader(name, value);
  res.status(failure.status).json(toErrorBody(failure, requestId));
}
