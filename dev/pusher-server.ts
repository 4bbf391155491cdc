// Dev-only stand-in for Pusher Channels: speaks the REST API (signed publishes, single and batch,
// and channel queries) and WebSocket protocol 7 (handshake, ping/pong, public, private and presence
// subscriptions; client events are refused) well enough that the real `pusher` and `pusher-js` SDKs
// work against it offline. What the API publishes on it is in docs/realtime.md. Never deployed.
import { createHash, createHmac, randomInt, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

export interface PusherApp {
  appId: string;
  key: string;
  secret: string;
}
export interface PublishedEvent {
  time: string;
  appId: string;
  channel: string;
  name: string;
  data: string;
  socketId?: string;
  /** The publish request (1, 2, … per server) that carried it: a batch's events share one. */
  request: number;
}
export type PusherFault = { kind: "status"; status: number } | { kind: "delay"; ms: number } | { kind: "reset" } | null;
export interface PusherServerOptions {
  host?: string;
  port?: number;
  apps: PusherApp[];
  activityTimeoutSeconds?: number;
  log?: (line: string) => void;
}
export interface PusherServer {
  readonly host: string;
  readonly port: number;
  readonly published: PublishedEvent[];
  onPublish(listener: (e: PublishedEvent) => void): () => void;
  setFault(fault: PusherFault): void;
  channels(appId: string): Map<string, number>;
  close(): Promise<void>;
}
export interface RestRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
}
export type Verdict = { ok: true } | { ok: false; reason: string };

const MAX_DATA_BYTES = 10_240;
const MAX_BODY_BYTES = 1_048_576;
const TIMESTAMP_SKEW_SECONDS = 600;
const CHANNEL_NAME = /^[A-Za-z0-9_\-=@,.;]{1,164}$/;
const SOCKET_ID = /^\d+\.\d+$/;

const hmacHex = (secret: string, text: string) => createHmac("sha256", secret).update(text).digest("hex");

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Checks a REST request's auth_* query parameters exactly as Pusher does. */
export function verifyRestSignature(app: PusherApp, req: RestRequest, nowSeconds = Date.now() / 1000): Verdict {
  const q = req.query;
  if (q.get("auth_key") !== app.key) return { ok: false, reason: "Unknown auth_key" };
  if (q.get("auth_version") !== "1.0") return { ok: false, reason: "Unsupported auth_version" };
  const timestamp = Number(q.get("auth_timestamp"));
  if (!Number.isFinite(timestamp) || Math.abs(nowSeconds - timestamp) > TIMESTAMP_SKEW_SECONDS) {
    return { ok: false, reason: "Timestamp expired: given timestamp is not within 600s of server time" };
  }
  if (req.body.length > 0) {
    const md5 = createHash("md5").update(req.body).digest("hex");
    if (q.get("body_md5") !== md5) return { ok: false, reason: "body_md5 missing or does not match the body" };
  }
  // The string to sign uses decoded values, not URL-escaped ones (that is what the SDKs sign).
  const params = [...q.entries()]
    .filter(([k]) => k !== "auth_signature")
    .map(([k, v]) => [k.toLowerCase(), v] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const expected = hmacHex(app.secret, `${req.method.toUpperCase()}\n${req.path}\n${params}`);
  if (!safeEqual(q.get("auth_signature") ?? "", expected)) {
    return {
      ok: false,
      reason: "Invalid signature: you should have sent the HmacSHA256 hex digest of the string to sign",
    };
  }
  return { ok: true };
}

/** The `auth` value a private/presence subscription must carry: "key:hex(HMAC(secret, socket:channel[:data]))". */
export function signChannelAuth(app: PusherApp, socketId: string, channel: string, channelData?: string): string {
  const text = channelData === undefined ? `${socketId}:${channel}` : `${socketId}:${channel}:${channelData}`;
  return `${app.key}:${hmacHex(app.secret, text)}`;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Conn {
  ws: WebSocket;
  app: PusherApp;
  socketId: string;
  channels: Set<string>;
  presence: Map<string, Member>;
}
interface Member {
  user_id: string;
  user_info?: unknown;
}
type Frame = { event?: unknown; channel?: unknown; data?: unknown };
type Publish = Omit<PublishedEvent, "time" | "appId" | "request">;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

// Validates one publish (events body or batch item) and returns one entry per target channel.
function parsePublish(body: Record<string, unknown>, batchItem: boolean): Publish[] {
  const { name, data, socket_id: socketId } = body;
  if (typeof name !== "string" || name.length === 0) throw new HttpError(400, "Event name is required.");
  if (name.length > 200) throw new HttpError(400, "Event name is too long (maximum 200 characters).");
  if (typeof data !== "string") throw new HttpError(400, "Event data must be a string.");
  if (Buffer.byteLength(data) > MAX_DATA_BYTES)
    throw new HttpError(413, "Event data is too large (maximum 10240 bytes).");
  if (socketId !== undefined && (typeof socketId !== "string" || !SOCKET_ID.test(socketId))) {
    throw new HttpError(400, "Invalid socket_id.");
  }
  const channels = !batchItem && Array.isArray(body.channels) ? body.channels : [body.channel];
  if (channels.length === 0) throw new HttpError(400, "At least one channel is required.");
  if (channels.length > 100) throw new HttpError(400, "Too many channels (maximum 100).");
  return channels.map((channel) => {
    if (typeof channel !== "string" || !CHANNEL_NAME.test(channel)) throw new HttpError(400, "Invalid channel name.");
    return socketId === undefined ? { channel, name, data } : { channel, name, data, socketId };
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk); // keep draining so the 413 reaches the client
    });
    req.on("end", () =>
      size > MAX_BODY_BYTES
        ? reject(new HttpError(413, "Request body is too large."))
        : resolve(Buffer.concat(chunks).toString("utf8")),
    );
    req.on("error", reject);
  });
}

export async function startPusherServer(options: PusherServerOptions): Promise<PusherServer> {
  const log = options.log ?? (() => {});
  const activityTimeout = options.activityTimeoutSeconds ?? 120;
  const published: PublishedEvent[] = [];
  const listeners = new Set<(e: PublishedEvent) => void>();
  const timers = new Set<NodeJS.Timeout>();
  const subscribers = new Map<string, Map<string, Set<Conn>>>(); // appId -> channel -> sockets
  let fault: PusherFault = null;
  let socketCounter = 0;
  let publishRequests = 0;

  const channelsOf = (appId: string) => {
    const m = subscribers.get(appId) ?? new Map<string, Set<Conn>>();
    subscribers.set(appId, m);
    return m;
  };
  const send = (conn: Conn, frame: Frame) => conn.ws.send(JSON.stringify(frame));
  const broadcast = (appId: string, channel: string, frame: Frame, exceptSocketId?: string) => {
    for (const conn of channelsOf(appId).get(channel) ?? []) if (conn.socketId !== exceptSocketId) send(conn, frame);
  };

  function publish(app: PusherApp, items: Publish[]) {
    const request = ++publishRequests;
    for (const item of items) {
      const event: PublishedEvent = { time: new Date().toISOString(), appId: app.appId, ...item, request };
      published.push(event);
      log(`publish ${app.appId} ${item.channel} ${item.name}`);
      for (const listener of listeners) listener(event);
      broadcast(app.appId, item.channel, { event: item.name, channel: item.channel, data: item.data }, item.socketId);
    }
  }

  function parseJson(body: string): Record<string, unknown> {
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      throw new HttpError(400, "Request body is not valid JSON.");
    }
    if (!isRecord(value)) throw new HttpError(400, "Request body must be a JSON object.");
    return value;
  }

  async function handleRest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const m = /^\/apps\/([^/]+)\/(events|batch_events|channels)(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m || (m[2] !== "channels" && m[3] !== undefined)) throw new HttpError(404, "Not found.");
    const [, appId, resource, channelName] = m;
    const app = options.apps.find((a) => a.appId === appId);
    if (!app) throw new HttpError(404, "Unknown app.");
    const isPublish = resource !== "channels";
    if (req.method !== (isPublish ? "POST" : "GET")) throw new HttpError(405, "Method not allowed.");
    const body = await readBody(req);

    if (isPublish && fault) {
      const f = fault;
      if (f.kind === "status") throw new HttpError(f.status, "Injected fault.");
      if (f.kind === "reset") {
        req.socket.destroy();
        return;
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          timers.delete(t);
          resolve();
        }, f.ms);
        timers.add(t);
      });
      // A caller that gave up meanwhile gets nothing delivered, so a timed-out publish is never half-visible in tests.
      if (res.destroyed || req.socket.destroyed) {
        log(`${req.url} dropped: caller hung up during injected delay`);
        return;
      }
    }
    const verdict = verifyRestSignature(app, { method: req.method, path: url.pathname, query: url.searchParams, body });
    if (!verdict.ok) throw new HttpError(401, verdict.reason);

    let answer: unknown = {};
    if (resource === "events") {
      publish(app, parsePublish(parseJson(body), false));
    } else if (resource === "batch_events") {
      const batch = parseJson(body).batch;
      if (!Array.isArray(batch) || batch.length === 0) throw new HttpError(400, "batch must be a non-empty array.");
      if (batch.length > 10) throw new HttpError(400, "Too many events in batch (maximum 10).");
      const items = batch.map((item) => {
        if (!isRecord(item)) throw new HttpError(400, "Batch items must be objects.");
        return parsePublish(item, true);
      });
      publish(app, items.flat()); // validate the whole batch before publishing any of it
    } else if (channelName === undefined) {
      const prefix = url.searchParams.get("filter_by_prefix") ?? "";
      const names = [...channelsOf(app.appId).keys()].filter((c) => c.startsWith(prefix));
      answer = { channels: Object.fromEntries(names.map((c) => [c, {}])) };
    } else {
      const count = channelsOf(app.appId).get(decodeURIComponent(channelName))?.size ?? 0;
      const info = url.searchParams.get("info")?.split(",") ?? [];
      answer = info.includes("subscription_count")
        ? { occupied: count > 0, subscription_count: count }
        : { occupied: count > 0 };
    }
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
  }

  const server = createServer((req, res) => {
    handleRest(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof Error ? err.message : String(err);
      log(`${req.method} ${req.url} -> ${status} ${message}`);
      if (!res.headersSent && !res.destroyed)
        res.writeHead(status, { "content-type": "text/plain" }).end(`${message}\n`);
    });
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const m = /^\/app\/([^/]+)$/.exec(url.pathname);
    if (!m) {
      socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const refuse = (code: number, message: string) => {
        ws.send(JSON.stringify({ event: "pusher:error", data: { message, code } }));
        ws.close(code, message);
      };
      const app = options.apps.find((a) => a.key === m[1]);
      if (!app) return refuse(4001, `App key ${m[1]} does not exist`);
      if (url.searchParams.get("protocol") !== "7") return refuse(4007, "Unsupported protocol version");
      const conn: Conn = {
        ws,
        app,
        socketId: `${++socketCounter}.${randomInt(1, 1e9)}`,
        channels: new Set(),
        presence: new Map(),
      };
      ws.on("message", (raw) => onFrame(conn, raw.toString()));
      ws.on("close", () => {
        for (const c of [...conn.channels]) unsubscribe(conn, c);
      });
      send(conn, {
        event: "pusher:connection_established",
        data: JSON.stringify({ socket_id: conn.socketId, activity_timeout: activityTimeout }),
      });
    });
  });

  function subscribe(conn: Conn, data: unknown) {
    const { channel, auth, channel_data: channelData } = isRecord(data) ? data : {};
    if (typeof channel !== "string" || !CHANNEL_NAME.test(channel)) {
      return send(conn, { event: "pusher:error", data: { message: "Invalid channel name", code: null } });
    }
    const isPresence = channel.startsWith("presence-");
    let member: Member | undefined;
    if (isPresence || channel.startsWith("private-")) {
      const signed = typeof channelData === "string" ? channelData : undefined;
      const parsed = signed === undefined ? undefined : safeParse(signed);
      const userId = isRecord(parsed) ? parsed.user_id : undefined;
      const valid =
        typeof auth === "string" && safeEqual(auth, signChannelAuth(conn.app, conn.socketId, channel, signed));
      if (!valid || (isPresence && typeof userId !== "string" && typeof userId !== "number")) {
        const error = JSON.stringify({ type: "AuthError", error: "Invalid signature or channel_data", status: 401 });
        return send(conn, { event: "pusher:subscription_error", channel, data: error });
      }
      if (isPresence && isRecord(parsed)) member = { user_id: String(userId), user_info: parsed.user_info };
    }
    const sockets = channelsOf(conn.app.appId).get(channel) ?? new Set<Conn>();
    channelsOf(conn.app.appId).set(channel, sockets.add(conn));
    conn.channels.add(channel);
    let reply = "{}";
    if (member) {
      const userId = member.user_id;
      const alreadyThere = [...sockets].some((c) => c !== conn && c.presence.get(channel)?.user_id === userId);
      conn.presence.set(channel, member);
      const hash = new Map<string, unknown>();
      for (const c of sockets) {
        const p = c.presence.get(channel);
        if (p) hash.set(p.user_id, p.user_info);
      }
      reply = JSON.stringify({ presence: { ids: [...hash.keys()], hash: Object.fromEntries(hash), count: hash.size } });
      if (!alreadyThere)
        broadcast(
          conn.app.appId,
          channel,
          { event: "pusher_internal:member_added", channel, data: JSON.stringify(member) },
          conn.socketId,
        );
    }
    send(conn, { event: "pusher_internal:subscription_succeeded", channel, data: reply });
  }

  function unsubscribe(conn: Conn, channel: string) {
    const sockets = channelsOf(conn.app.appId).get(channel);
    if (!sockets?.delete(conn)) return;
    conn.channels.delete(channel);
    if (sockets.size === 0) channelsOf(conn.app.appId).delete(channel);
    const userId = conn.presence.get(channel)?.user_id;
    conn.presence.delete(channel);
    // Only announce the departure once the user's last socket has left.
    if (userId !== undefined && ![...sockets].some((c) => c.presence.get(channel)?.user_id === userId)) {
      broadcast(conn.app.appId, channel, {
        event: "pusher_internal:member_removed",
        channel,
        data: JSON.stringify({ user_id: userId }),
      });
    }
  }

  function onFrame(conn: Conn, raw: string) {
    let frame: Frame;
    try {
      frame = JSON.parse(raw) as Frame;
    } catch {
      return send(conn, { event: "pusher:error", data: { message: "Invalid JSON", code: null } });
    }
    const data = typeof frame.data === "string" ? safeParse(frame.data) : frame.data;
    if (frame.event === "pusher:ping") send(conn, { event: "pusher:pong", data: {} });
    else if (frame.event === "pusher:subscribe") subscribe(conn, data);
    else if (frame.event === "pusher:unsubscribe" && isRecord(data) && typeof data.channel === "string")
      unsubscribe(conn, data.channel);
    else if (typeof frame.event === "string" && frame.event.startsWith("client-")) {
      send(conn, {
        event: "pusher:error",
        data: { message: "Client events are not enabled on this dev server", code: 4301 },
      });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  log(`pusher dev server on ${address.address}:${address.port}`);

  return {
    host: address.address,
    port: address.port,
    published,
    onPublish(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    setFault(next) {
      fault = next;
    },
    channels(appId) {
      return new Map([...channelsOf(appId)].map(([c, s]) => [c, s.size]));
    },
    close() {
      for (const t of timers) clearTimeout(t);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
