import Pusher from "pusher";
import { env } from "../env";
import { log, logFailure } from "../log";
import type { OutgoingMessage, SequencedMessage } from "../schemas/realtime";

// The only module that knows Pusher. Every realtime event of an event goes to `event-<eventId>`,
// and only as a message built by schemas/realtime.ts (`sequenced`, `parseStoredMessage`).

export type RealtimeMode = "pusher" | "custom-host" | "disabled";

export const realtimeMode: RealtimeMode =
  !env.PUSHER_APP_ID || !env.PUSHER_KEY || !env.PUSHER_SECRET
    ? "disabled"
    : env.PUSHER_HOST
      ? "custom-host"
      : env.PUSHER_CLUSTER
        ? "pusher"
        : "disabled";

// Pusher accepts at most 10 events per batch request.
const MAX_BATCH = 10;

let client: Pusher | undefined;

function getClient(): Pusher | undefined {
  if (realtimeMode === "disabled") return undefined;
  client ??= new Pusher({
    appId: env.PUSHER_APP_ID ?? "",
    key: env.PUSHER_KEY ?? "",
    secret: env.PUSHER_SECRET ?? "",
    timeout: env.PUSHER_TIMEOUT_MS,
    ...(realtimeMode === "custom-host"
      ? { host: env.PUSHER_HOST ?? "", port: env.PUSHER_PORT, useTLS: env.PUSHER_USE_TLS ?? false }
      : { cluster: env.PUSHER_CLUSTER ?? "", useTLS: env.PUSHER_USE_TLS ?? true }),
  });
  return client;
}

export function eventChannel(eventId: string): string {
  return `event-${eventId}`;
}

/**
 * How a publish went: how many messages, from the first, Pusher accepted, and, when it stopped
 * short, whether Pusher may still take the rest (`inDoubt`: the request timed out, so it may yet
 * arrive) or surely did not (it answered an error or could not be reached).
 */
export interface PublishOutcome {
  accepted: number;
  inDoubt: boolean;
}

/**
 * Publishes messages to `event-<eventId>` in order and says how many of them, from the first,
 * are settled: Pusher accepted them, or they failed their schema (a bug: logged, never sent, and
 * not worth a retry). All of them, or fewer when a request failed. Never throws: the writes
 * they announce are already committed, so a failure is logged with channel and event names, and
 * the activity log keeps what was not sent for a retry. Awaited before the function responds,
 * because a frozen function sends nothing.
 */
export async function publishMessages(eventId: string, messages: readonly OutgoingMessage[]): Promise<PublishOutcome> {
  const channel = eventChannel(eventId);
  const sendable: { message: SequencedMessage; index: number }[] = [];
  messages.forEach((message, index) => {
    if (message.problem === undefined) sendable.push({ message, index });
    else
      log("error", "realtime message fails its schema; not sent", {
        channel,
        event: message.name,
        seq: message.seq,
        problem: message.problem,
      });
  });
  const pusher = getClient();
  if (!pusher) return { accepted: 0, inDoubt: false };
  // Rejected messages before the first sendable one are settled already.
  let accepted = sendable[0]?.index ?? messages.length;
  for (let start = 0; start < sendable.length; start += MAX_BATCH) {
    const batch = sendable.slice(start, start + MAX_BATCH).map(({ message }) => message);
    try {
      await withTimeout(
        batch.length === 1 && batch[0]
          ? pusher.trigger(channel, batch[0].name, batch[0].data)
          : pusher.triggerBatch(batch.map(({ name, data }) => ({ channel, name, data }))),
      );
      // Up to the next message to send: the rejected ones between are settled with this batch.
      accepted = sendable[start + MAX_BATCH]?.index ?? messages.length;
    } catch (error) {
      const status = (error as { status?: number }).status;
      const event = batch.map((message) => message.name).join(",");
      logFailure("realtime publish failed", error, { channel, event, status });
      return { accepted, inDoubt: isTimeout(error) };
    }
  }
  return { accepted, inDoubt: false };
}

class PublishTimeoutError extends Error {
  override name = "PublishTimeoutError";
}

// Our own timeout, or the SDK's (it aborts the request and wraps the AbortError).
function isTimeout(error: unknown): boolean {
  return error instanceof PublishTimeoutError || (error as { error?: { name?: unknown } }).error?.name === "AbortError";
}

// The SDK has its own timeout, but a stalled TLS handshake or DNS lookup can outlast it.
async function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new PublishTimeoutError(`timed out after ${env.PUSHER_TIMEOUT_MS} ms`)),
      env.PUSHER_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
