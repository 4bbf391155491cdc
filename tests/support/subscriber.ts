import { randomBytes } from "node:crypto";
import Pusher from "pusher";
import PusherJS from "pusher-js";
import { pusherServer } from "./harness";

// A real pusher-js client over WebSocket on the local Pusher-protocol server, as the apps receive
// events, for the files that check what arrives on a channel.

const TEST_APP = { appId: "shatter-test", key: "shatter-test-key", secret: "shatter-test-secret" }; // tests/support/setup.ts
const clients: PusherJS[] = [];
let sdk: Pusher | undefined;

export interface Received {
  channel: string;
  name: string;
  data: Record<string, unknown>;
}

/**
 * A pusher-js client subscribed to `channel`; `settled()` resolves to every non-protocol message
 * its socket got up to now, whatever the channel (so a stray event on the wrong channel is seen
 * too), without fixed sleeps: it publishes a marker to the channel and waits for it. The server
 * sends a socket's messages in publish order, so everything published before the marker has
 * arrived once the marker has.
 */
export async function subscriber(channel: string): Promise<{ settled(): Promise<Received[]> }> {
  const server = pusherServer();
  sdk ??= new Pusher({ ...TEST_APP, host: server.host, port: String(server.port), useTLS: false, timeout: 2000 });
  const trigger = sdk;
  const client = new PusherJS(TEST_APP.key, {
    cluster: "local",
    wsHost: "127.0.0.1",
    wsPort: server.port,
    forceTLS: false,
    enabledTransports: ["ws"],
    disableStats: true,
  });
  clients.push(client);
  const received: Received[] = [];
  client.connection.bind("message", (message: { event: string; channel?: string; data: Record<string, unknown> }) => {
    if (!message.event.startsWith("pusher") && message.event !== "test-marker")
      received.push({ channel: message.channel ?? "", name: message.event, data: message.data });
  });
  await new Promise<void>((resolve) =>
    client.subscribe(channel).bind("pusher:subscription_succeeded", () => resolve()),
  );
  async function settled(): Promise<Received[]> {
    const marker = randomBytes(6).toString("hex");
    const arrived = new Promise<void>((resolve) => {
      const check = (message: { event: string; data: unknown }) => {
        if (message.event !== "test-marker" || (message.data as { marker?: string }).marker !== marker) return;
        client.connection.unbind("message", check);
        resolve();
      };
      client.connection.bind("message", check);
    });
    await trigger.trigger(channel, "test-marker", { marker });
    await arrived;
    return [...received];
  }
  return { settled };
}

/** Disconnects every client subscriber() opened (afterAll). */
export function disconnectSubscribers(): void {
  for (const client of clients.splice(0)) client.disconnect();
}
