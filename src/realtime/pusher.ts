import Pusher from "pusher";
import { env } from "../env";
import { describeError } from "../http/errors";

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

export interface BingoAchievedPayload {
  participantId: string;
  participantName: string;
  achievementType: "line" | "card";
}

export const realtimeMode: RealtimeMode =
  !env.PUSHER_APP_ID || !env.PUSHER_KEY || !env.PUSHER_SECRET
    ? "disabled"
    : env.PUSHER_HOST
      ? "custom-host"
      : env.PUSHER_CLUSTER
        ? "pusher"
        : "disabled";

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
 * Publishes one event and resolves to whether Pusher accepted it. Never throws: the write it
 * reports on is already committed, so a failure is logged (with channel and event name) and the
 * caller answers as usual. Awaited before responding because a frozen function sends nothing.
 */
async function publish(eventId: string, name: string, payload: object): Promise<boolean> {
  const pusher = getClient();
  if (!pusher) return false;
  const channel = eventChannel(eventId);
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${env.PUSHER_TIMEOUT_MS} ms`)), env.PUSHER_TIMEOUT_MS);
    });
    await Promise.race([pusher.trigger(channel, name, payload), timeout]);
    return true;
  } catch (error) {
    const status = (error as { status?: number }).status;
    console.error(
      JSON.stringify({
        level: "error",
        msg: "realtime publish failed",
        channel,
        event: name,
        status,
        error: describeError(error),
      }),
    );
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export function publishParticipantJoined(eventId: string, payload: ParticipantJoinedPayload): Promise<boolean> {
  return publish(eventId, "participant-joined", payload);
}

export function publishEventStarted(eventId: string, payload: EventStartedPayload): Promise<boolean> {
  return publish(eventId, "event-started", payload);
}

export function publishEventEnded(eventId: string, payload: EventEndedPayload): Promise<boolean> {
  return publish(eventId, "event-ended", payload);
}

export function publishBingoAchieved(eventId: string, payload: BingoAchievedPayload): Promise<boolean> {
  return publish(eventId, "bingo-achieved", payload);
}
