import Pusher from "pusher";
import { env } from "../env";
import { logFailure } from "../log";

// The only module that knows Pusher. Every realtime event of an event goes to `event-<eventId>`.

export type RealtimeMode = "pusher" | "custom-host" | "disabled";

export interface ParticipantJoinedPayload {
  participantId: string;
  name: string;
}

export interface EventStartedPayload {
  eventId: string;
  state: "active";
  startedAt: string;
}

export interface EventEndedPayload {
  eventId: string;
  state: "ended";
  endedAt: string;
}

/** The apps' own lifecycle message, sent beside event-started / event-ended, in their words. */
export interface EventStatusPayload {
  status: "In Progress" | "Completed";
}

export interface BingoAchievedPayload {
  participantId: string;
  participantName: string;
  achievementType: "line" | "card";
}

export interface ParticipantLeftPayload {
  participantId: string;
  name: string;
}

export interface EventDeletedPayload {
  eventId: string;
}

/** The host dashboard's live leaderboard: one participant's entry as it now stands. */
export interface LeaderboardUpdatedPayload {
  participantId: string;
  name: string;
  profilePhoto: string | null;
  connectionsCount: number;
  linesCompleted: number;
  completed: boolean;
  squaresFilled: number;
}

export const realtimeMode: RealtimeMode =
  !env.PUSHER_APP_ID || !env.PUSHER_KEY || !env.PUSHER_SECRET
    ? "disabled"
    : env.PUSHER_HOST
      ? "custom-host"
      : env.PUSHER_CLUSTER
        ? "pusher"
        : "disabled";

export type RealtimeMessage =
  | { name: "participant-joined"; data: ParticipantJoinedPayload }
  | { name: "event-started"; data: EventStartedPayload }
  | { name: "event-ended"; data: EventEndedPayload }
  | { name: "event"; data: EventStatusPayload }
  | { name: "bingo-achieved"; data: BingoAchievedPayload }
  | { name: "participant-left"; data: ParticipantLeftPayload }
  | { name: "event-deleted"; data: EventDeletedPayload }
  | { name: "leaderboard-updated"; data: LeaderboardUpdatedPayload };

/** What goes over the wire: the payload plus its position in the event's activity log. */
export interface SequencedMessage {
  name: string;
  data: Record<string, unknown> & { seq: number };
}

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
 * Pusher accepted (all of them, or fewer when a request failed). Never throws: the writes
 * they announce are already committed, so a failure is logged with channel and event names, and
 * the activity log keeps what was not sent for a retry. Awaited before the function responds,
 * because a frozen function sends nothing.
 */
export async function publishMessages(eventId: string, messages: readonly SequencedMessage[]): Promise<PublishOutcome> {
  const pusher = getClient();
  if (!pusher) return { accepted: 0, inDoubt: false };
  const channel = eventChannel(eventId);
  let accepted = 0;
  for (let start = 0; start < messages.length; start += MAX_BATCH) {
    const batch = messages.slice(start, start + MAX_BATCH);
    try {
      await withTimeout(
        batch.length === 1 && batch[0]
          ? pusher.trigger(channel, batch[0].name, batch[0].data)
          : pusher.triggerBatch(batch.map(({ name, data }) => ({ channel, name, data }))),
      );
      accepted += batch.length;
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
