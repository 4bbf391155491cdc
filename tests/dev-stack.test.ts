import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevStack, loadDotEnv, parseDotEnv, pusherClientConfig, wantsLocalPusher } from "../dev/stack";
import { callApi, hostWithEvent, startTestDevStack } from "./support/dev-stack";

// `npm run dev` (dev/dev.ts over dev/stack.ts): configuration rules, and the running stack over HTTP.

const LOCAL_APP_ENV = {
  PUSHER_APP_ID: "shatter-local",
  PUSHER_KEY: "shatter-local-key",
  PUSHER_SECRET: "shatter-local-secret",
  PUSHER_CLUSTER: "local",
  PUSHER_HOST: "127.0.0.1",
  PUSHER_PORT: "6001",
  PUSHER_USE_TLS: "false",
};

describe("dev stack configuration", () => {
  it("parseDotEnv – reads assignments, export, quotes and comments like .env.example's", () => {
    const text = [
      "# a comment",
      "MONGODB_URI=",
      "export PORT=4000",
      'JWT_SECRET="quoted # not a comment"',
      "PUSHER_KEY='single'",
      "CORS_ORIGINS=http://localhost:5173,http://localhost:3000   # trailing comment",
      "not an assignment",
      "",
    ].join("\n");
    expect(parseDotEnv(text)).toEqual({
      MONGODB_URI: "",
      PORT: "4000",
      JWT_SECRET: "quoted # not a comment",
      PUSHER_KEY: "single",
      CORS_ORIGINS: "http://localhost:5173,http://localhost:3000",
    });
  });

  it("loadDotEnv – real environment variables win over the file", () => {
    const file = join(mkdtempSync(join(tmpdir(), "shatter-env-")), ".env");
    writeFileSync(file, "PORT=4000\nJWT_SECRET=from-the-file\n");
    const target: Record<string, string | undefined> = { JWT_SECRET: "from-the-shell" };
    expect(loadDotEnv(file, target)).toEqual(["PORT"]);
    expect(target).toEqual({ JWT_SECRET: "from-the-shell", PORT: "4000" });
  });

  it("wantsLocalPusher – the local server runs with no Pusher app or with .env.example's, not with another one", () => {
    expect(wantsLocalPusher({})).toBe(true);
    expect(wantsLocalPusher({ PUSHER_APP_ID: "", PUSHER_KEY: "", PUSHER_SECRET: "" })).toBe(true);
    expect(wantsLocalPusher(LOCAL_APP_ENV)).toBe(true);
    expect(wantsLocalPusher({ PUSHER_APP_ID: "1", PUSHER_KEY: "k", PUSHER_SECRET: "s", PUSHER_CLUSTER: "eu" })).toBe(
      false,
    );
    expect(wantsLocalPusher({ ...LOCAL_APP_ENV, PUSHER_PORT: "6002" })).toBe(false);
    expect(wantsLocalPusher({ ...LOCAL_APP_ENV, PUSHER_KEY: "soketi-key" })).toBe(false);
  });

  it("pusherClientConfig – the pusher-js options for the local server, Pusher itself and a TLS self-hosted server", () => {
    expect(pusherClientConfig(LOCAL_APP_ENV)).toEqual({
      key: "shatter-local-key",
      options: { cluster: "local", wsHost: "127.0.0.1", wsPort: 6001, forceTLS: false, enabledTransports: ["ws"] },
    });
    expect(pusherClientConfig({ PUSHER_KEY: "abc", PUSHER_CLUSTER: "eu" })).toEqual({
      key: "abc",
      options: { cluster: "eu" },
    });
    expect(
      pusherClientConfig({
        PUSHER_KEY: "abc",
        PUSHER_HOST: "ws.example.com",
        PUSHER_PORT: "443",
        PUSHER_USE_TLS: "true",
      }),
    ).toEqual({
      key: "abc",
      options: { cluster: "local", wsHost: "ws.example.com", wssPort: 443, forceTLS: true, enabledTransports: ["wss"] },
    });
  });
});

describe("dev stack running", () => {
  let stack: DevStack;

  beforeAll(async () => {
    stack = await startTestDevStack();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it("GET /api/health – the API answers on the stack's port, publishing to the local Pusher server", async () => {
    expect(stack.realtime).toBe("local");
    const res = await callApi(stack, "GET", "/health");
    expect(res).toEqual({ status: 200, body: { success: true, db: "up", realtime: "custom-host" } });
  });

  it("GET /console – serves the console page, its config and pusher-js; / leads to it", async () => {
    const page = await fetch(stack.consoleUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await page.text()).toContain("<title>Shatter · Live events console</title>");

    const config = await fetch(`${stack.consoleUrl}/config`);
    expect(await config.json()).toEqual({
      realtime: "local",
      key: "shatter-local-key",
      options: {
        cluster: "local",
        wsHost: "127.0.0.1",
        wsPort: stack.pusher?.port,
        forceTLS: false,
        enabledTransports: ["ws"],
      },
    });

    const script = await fetch(`${stack.consoleUrl}/pusher.js`);
    expect(script.status).toBe(200);
    expect(await script.text()).toContain("Pusher");

    const root = await fetch(stack.apiUrl.replace(/\/api$/, "/"), { redirect: "manual" });
    expect([root.status, root.headers.get("location")]).toEqual([302, "/console"]);
  });

  it("GET /console/stream – streams a guest's participant-joined as the local Pusher server records it", async () => {
    const { event } = await hostWithEvent(stack, "Stream Check");
    const abort = new AbortController();
    const res = await fetch(`${stack.consoleUrl}/stream`, { signal: abort.signal });
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = "";
    // Complete frames only: a chunk can end mid-frame.
    const published = () =>
      text
        .split("\n\n")
        .slice(0, -1)
        .flatMap((frame) => frame.split("\n").filter((line) => line.startsWith("data: ")))
        .map((line) => JSON.parse(line.slice("data: ".length)) as { channel: string })
        .filter((entry) => entry.channel === `event-${event._id}`);
    await reader.read(); // the stream is open once its first bytes arrive

    const join = await callApi(stack, "POST", `/events/${event._id}/join/guest`, { name: "Ada Lovelace" });
    expect(join.status).toBe(201);
    while (published().length === 0) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
    abort.abort();

    expect(published()).toEqual([
      {
        seq: expect.any(Number),
        time: expect.any(String),
        channel: `event-${event._id}`,
        name: "participant-joined",
        data: expect.any(String),
      },
    ]);
    const payload = JSON.parse((published()[0] as unknown as { data: string }).data);
    expect(payload).toEqual({
      participantId: join.body.participant._id,
      name: "Ada Lovelace",
      seq: expect.any(Number),
    });
  });

  it("stop() – closes the API and the Pusher server ports", async () => {
    const other = await startTestDevStack();
    const pusherPort = other.pusher?.port;
    await other.stop();
    await expect(fetch(other.consoleUrl)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${pusherPort}/`)).rejects.toThrow();
  });
});
