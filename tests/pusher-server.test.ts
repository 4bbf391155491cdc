import { createHash, createHmac } from "node:crypto";
import Pusher from "pusher";
import PusherJS from "pusher-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import {
  type PusherApp,
  type PusherServer,
  signChannelAuth,
  startPusherServer,
  verifyRestSignature,
} from "../dev/pusher-server";

const app: PusherApp = { appId: "1001", key: "local-key", secret: "local-secret" };
let server: PusherServer;
let sdk: Pusher;
const clients: PusherJS[] = [];

beforeAll(async () => {
  server = await startPusherServer({ apps: [app] });
  sdk = sdkFor(app);
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await server.close();
});

function sdkFor(a: PusherApp, timeout = 2000): Pusher {
  return new Pusher({
    appId: a.appId,
    key: a.key,
    secret: a.secret,
    host: "127.0.0.1",
    port: String(server.port),
    useTLS: false,
    timeout,
  });
}

function client(key = app.key, extra: Partial<ConstructorParameters<typeof PusherJS>[1]> = {}): PusherJS {
  const c = new PusherJS(key, {
    cluster: "local",
    wsHost: "127.0.0.1",
    wsPort: server.port,
    forceTLS: false,
    enabledTransports: ["ws"],
    disableStats: true,
    ...extra,
  });
  clients.push(c);
  return c;
}

/** Polls until `probe` returns something other than undefined/false; fails after `ms`. */
async function waitFor<T>(probe: () => T | undefined | false, ms = 3000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error("waitFor timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function subscribed(c: PusherJS, channelName: string) {
  const channel = c.subscribe(channelName);
  await new Promise<void>((resolve) => channel.bind("pusher:subscription_succeeded", () => resolve()));
  return channel;
}

/** Collects the payloads of `event` on a subscribed channel. */
async function listen(c: PusherJS, channelName: string, event: string) {
  const received: unknown[] = [];
  (await subscribed(c, channelName)).bind(event, (data: unknown) => received.push(data));
  return received;
}

const statusOf = (err: unknown) => (err as { status?: number }).status;

/** A hand-signed REST call, for what the SDK refuses to send (bad names, stale timestamps). */
async function rawRequest(
  method: string,
  path: string,
  body?: string,
  opts: { timestamp?: number; a?: PusherApp } = {},
) {
  const a = opts.a ?? app;
  const params: Record<string, string> = {
    auth_key: a.key,
    auth_timestamp: String(opts.timestamp ?? Math.floor(Date.now() / 1000)),
    auth_version: "1.0",
  };
  if (body) params.body_md5 = createHash("md5").update(body).digest("hex");
  const toSign = Object.keys(params)
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join("&");
  const signature = createHmac("sha256", a.secret).update(`${method}\n${path}\n${toSign}`).digest("hex");
  const query = new URLSearchParams({ ...params, auth_signature: signature });
  const res = await fetch(`http://127.0.0.1:${server.port}${path}?${query}`, {
    method,
    body,
    headers: { "content-type": "application/json" },
  });
  return { status: res.status, text: await res.text() };
}

describe("signatures", () => {
  const vectorApp: PusherApp = { appId: "3", key: "278d425bdf160c739803", secret: "7ad3773142a6692b25b8" };
  const body = `{"name":"foo","channels":["project-3"],"data":"{\\"some\\":\\"data\\"}"}`;
  const query = (signature: string) =>
    new URLSearchParams({
      auth_key: vectorApp.key,
      auth_timestamp: "1353088179",
      auth_version: "1.0",
      body_md5: "ec365a775a4cd0599faeb73354201b6f",
      auth_signature: signature,
    });
  const good = "da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c";

  it("verifyRestSignature – accepts Pusher's documented REST test vector", () => {
    expect(createHash("md5").update(body).digest("hex")).toBe("ec365a775a4cd0599faeb73354201b6f");
    const req = { method: "POST", path: "/apps/3/events", query: query(good), body };
    expect(verifyRestSignature(vectorApp, req, 1353088179)).toEqual({ ok: true });
  });

  it("verifyRestSignature – rejects a wrong signature, a tampered body and a stale timestamp", () => {
    const bad = `${good.slice(0, -1)}d`;
    expect(
      verifyRestSignature(vectorApp, { method: "POST", path: "/apps/3/events", query: query(bad), body }, 1353088179)
        .ok,
    ).toBe(false);
    expect(
      verifyRestSignature(
        vectorApp,
        { method: "POST", path: "/apps/3/events", query: query(good), body: `${body} ` },
        1353088179,
      ).ok,
    ).toBe(false);
    expect(
      verifyRestSignature(
        vectorApp,
        { method: "POST", path: "/apps/3/events", query: query(good), body },
        1353088179 + 601,
      ).ok,
    ).toBe(false);
  });

  it("signChannelAuth – matches the private-channel test vector and the SDK", () => {
    const auth = signChannelAuth(vectorApp, "1234.1234", "private-foobar");
    expect(auth).toBe("278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4");
    const vectorSdk = new Pusher({
      appId: vectorApp.appId,
      key: vectorApp.key,
      secret: vectorApp.secret,
      host: "127.0.0.1",
    });
    expect(vectorSdk.authorizeChannel("1234.1234", "private-foobar").auth).toBe(auth);
  });
});

describe("REST API with the pusher SDK", () => {
  it("POST /apps/:appId/events – a trigger is accepted and recorded once per channel", async () => {
    const before = server.published.length;
    const res = await sdk.trigger(["event-rest-1", "event-rest-2"], "score-updated", { score: 3, by: "ana" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    const added = server.published.slice(before);
    expect(added.map((e) => [e.appId, e.channel, e.name, e.data])).toEqual([
      [app.appId, "event-rest-1", "score-updated", '{"score":3,"by":"ana"}'],
      [app.appId, "event-rest-2", "score-updated", '{"score":3,"by":"ana"}'],
    ]);
    expect(Number.isNaN(Date.parse(added[0]?.time ?? ""))).toBe(false);
  });

  it("POST /apps/:appId/batch_events – triggerBatch records every event in order", async () => {
    const seen: string[] = [];
    const off = server.onPublish((e) => seen.push(`${e.channel}/${e.name}/${e.data}`));
    await sdk.triggerBatch([
      { channel: "event-b1", name: "a", data: { n: 1 } },
      { channel: "event-b2", name: "b", data: "plain" },
    ]);
    off();
    // The SDK JSON-encodes objects but passes strings through untouched.
    expect(seen).toEqual(['event-b1/a/{"n":1}', "event-b2/b/plain"]);
  });

  it("POST /apps/:appId/batch_events – more than 10 events is a 400", async () => {
    const batch = Array.from({ length: 11 }, (_, i) => ({ channel: "event-many", name: "e", data: i }));
    await expect(sdk.triggerBatch(batch)).rejects.toMatchObject({ status: 400 });
  });

  it("POST /apps/:appId/events – wrong secret is a 401", async () => {
    const before = server.published.length;
    await expect(sdkFor({ ...app, secret: "wrong" }).trigger("event-x", "e", {})).rejects.toMatchObject({
      status: 401,
    });
    expect(server.published.length).toBe(before);
  });

  it("POST /apps/:appId/events – unknown app is a 404", async () => {
    await expect(sdkFor({ ...app, appId: "999" }).trigger("event-x", "e", {})).rejects.toMatchObject({ status: 404 });
  });

  it("POST /apps/:appId/events – data over 10 KB is a 413", async () => {
    await expect(sdk.trigger("event-x", "big", { blob: "x".repeat(10_241) })).rejects.toMatchObject({ status: 413 });
  });

  it("POST /apps/:appId/events – a bad channel name is a 400", async () => {
    expect(() => sdk.trigger("bad channel!", "e", {})).toThrow(/Invalid channel name/);
    const body = JSON.stringify({ name: "e", data: "{}", channels: ["bad channel!"] });
    const res = await rawRequest("POST", `/apps/${app.appId}/events`, body);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/channel/i);
  });

  it("POST /apps/:appId/events – invalid JSON is a 400", async () => {
    expect((await rawRequest("POST", `/apps/${app.appId}/events`, "{not json")).status).toBe(400);
  });

  it("POST /apps/:appId/events – a stale timestamp is a 401", async () => {
    const body = JSON.stringify({ name: "e", data: "{}", channel: "event-x" });
    const stale = Math.floor(Date.now() / 1000) - 601;
    const res = await rawRequest("POST", `/apps/${app.appId}/events`, body, { timestamp: stale });
    expect(res.status).toBe(401);
    expect(res.text).toMatch(/timestamp/i);
  });

  it("GET /apps/:appId/channels – reflects a subscribed pusher-js client", async () => {
    const c = client();
    await subscribed(c, "event-listed");
    const list = (await (
      await sdk.get({ path: "/channels", params: { filter_by_prefix: "event-" } })
    ).json()) as unknown;
    expect(list).toMatchObject({ channels: { "event-listed": {} } });
    const info = await (
      await sdk.get({ path: "/channels/event-listed", params: { info: "subscription_count" } })
    ).json();
    expect(info).toEqual({ occupied: true, subscription_count: 1 });
    expect(server.channels(app.appId).get("event-listed")).toBe(1);
    c.disconnect();
    await waitFor(() => !server.channels(app.appId).has("event-listed"));
    expect(await (await sdk.get({ path: "/channels/event-listed" })).json()).toEqual({ occupied: false });
  });
});

describe("WebSocket protocol 7 with pusher-js", () => {
  it("WS /app/:key – a subscriber receives what the SDK triggers, parsed", async () => {
    const c = client();
    const received = await listen(c, "event-abc", "score-updated");
    await sdk.trigger("event-abc", "score-updated", { score: 7, tags: ["x"] });
    expect(await waitFor(() => received[0])).toEqual({ score: 7, tags: ["x"] });
    c.disconnect();
  });

  it("WS /app/:key – clients on different channels never see each other's events", async () => {
    const a = client();
    const b = client();
    const gotA = await listen(a, "event-a", "e");
    const gotB = await listen(b, "event-b", "e");
    await sdk.trigger("event-a", "e", { for: "a" });
    await sdk.trigger("event-b", "e", { for: "b" });
    // Frames arrive in order per socket, so once the final marker is in, any leak would be too.
    await sdk.trigger(["event-a", "event-b"], "e", { for: "both" });
    await waitFor(() => gotA.length >= 2 && gotB.length >= 2);
    expect(gotA).toEqual([{ for: "a" }, { for: "both" }]);
    expect(gotB).toEqual([{ for: "b" }, { for: "both" }]);
    a.disconnect();
    b.disconnect();
  });

  it("WS /app/:key – a publish with socket_id skips that socket", async () => {
    const sender = client();
    const other = client();
    const gotSender = await listen(sender, "event-echo", "e");
    const gotOther = await listen(other, "event-echo", "e");
    await sdk.trigger("event-echo", "e", { n: 1 }, { socket_id: sender.connection.socket_id });
    await sdk.trigger("event-echo", "e", { n: 2 });
    await waitFor(() => gotSender.length >= 1 && gotOther.length >= 2);
    expect(gotSender).toEqual([{ n: 2 }]);
    expect(gotOther).toEqual([{ n: 1 }, { n: 2 }]);
    expect(server.published.find((e) => e.channel === "event-echo")?.socketId).toBe(sender.connection.socket_id);
    sender.disconnect();
    other.disconnect();
  });

  it("WS /app/:key – an unknown key is refused with code 4001", async () => {
    const c = client("no-such-key");
    const code = await new Promise<unknown>((resolve) => {
      c.connection.bind("error", (err: { error?: { data?: { code?: number } } }) => resolve(err.error?.data?.code));
    });
    expect(code).toBe(4001);
    c.disconnect();
  });

  it("WS /app/:key – pusher:ping is answered with pusher:pong", async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/app/${app.key}?protocol=7&client=js&version=8.6.0`);
    const frames: { event: string; data: unknown }[] = [];
    ws.on("message", (raw) => frames.push(JSON.parse(raw.toString()) as { event: string; data: unknown }));
    const hello = await waitFor(() => frames[0]);
    expect(hello.event).toBe("pusher:connection_established");
    expect(JSON.parse(hello.data as string)).toMatchObject({
      socket_id: expect.stringMatching(/^\d+\.\d+$/),
      activity_timeout: 120,
    });
    ws.send(JSON.stringify({ event: "pusher:ping", data: {} }));
    expect((await waitFor(() => frames[1])).event).toBe("pusher:pong");
    ws.close();
  });

  it("WS /app/:key – private channels need a valid auth", async () => {
    const good = client(app.key, {
      channelAuthorization: { customHandler: (p, cb) => cb(null, sdk.authorizeChannel(p.socketId, p.channelName)) },
    });
    await subscribed(good, "private-team");
    const bad = client(app.key, {
      channelAuthorization: { customHandler: (_p, cb) => cb(null, { auth: `${app.key}:${"0".repeat(64)}` }) },
    });
    const status = await new Promise<unknown>((resolve) => {
      bad.subscribe("private-team").bind("pusher:subscription_error", (e: { status?: number }) => resolve(e.status));
    });
    expect(status).toBe(401);
    expect(server.channels(app.appId).get("private-team")).toBe(1);
    good.disconnect();
    bad.disconnect();
  });
});

describe("fault injection", () => {
  it("setFault status – the SDK rejects with that status and nothing is recorded", async () => {
    const before = server.published.length;
    server.setFault({ kind: "status", status: 500 });
    try {
      await expect(sdk.trigger("event-abc", "e", {})).rejects.toMatchObject({ status: 500 });
      await expect(sdk.triggerBatch([{ channel: "event-abc", name: "e", data: {} }])).rejects.toMatchObject({
        status: 500,
      });
    } finally {
      server.setFault(null);
    }
    expect(server.published.length).toBe(before);
  });

  it("setFault delay – past the SDK timeout the trigger rejects without a status", async () => {
    server.setFault({ kind: "delay", ms: 1000 });
    try {
      const err = await sdkFor(app, 200)
        .trigger("event-abc", "e", {})
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(Pusher.RequestError);
      expect(statusOf(err)).toBeUndefined();
    } finally {
      server.setFault(null);
    }
  });

  it("setFault reset – a destroyed socket rejects without a status", async () => {
    server.setFault({ kind: "reset" });
    try {
      const err = await sdk.trigger("event-abc", "e", {}).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Pusher.RequestError);
      expect(statusOf(err)).toBeUndefined();
    } finally {
      server.setFault(null);
    }
    const res = await sdk.get({ path: "/channels" });
    expect(res.status).toBe(200); // faults never touch the read endpoints
  });
});
