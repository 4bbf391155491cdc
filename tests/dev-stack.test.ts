import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  type DevStack,
  devPortsFromEnv,
  loadDotEnv,
  pusherClientConfig,
  startDevStack,
  wantsLocalPusher,
} from "../dev/stack";
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
  it("loadDotEnv – reads .env.example's syntax (export, quotes, comments) with Node's parser; the real environment wins", () => {
    const file = join(mkdtempSync(join(tmpdir(), "shatter-env-")), ".env");
    const text = [
      "# a comment",
      "MONGODB_URI=",
      "export PORT=4000",
      'JWT_SECRET="quoted # not a comment"',
      "PUSHER_KEY='single'",
      "CORS_ORIGINS=http://localhost:5173,http://localhost:3000   # trailing comment",
      "PUSHER_SECRET=from-the-file",
      "",
    ].join("\n");
    writeFileSync(file, text);
    const target: Record<string, string | undefined> = { PUSHER_SECRET: "from-the-shell" };
    expect(loadDotEnv(file, target).sort()).toEqual([
      "CORS_ORIGINS",
      "JWT_SECRET",
      "MONGODB_URI",
      "PORT",
      "PUSHER_KEY",
    ]);
    expect(target).toEqual({
      MONGODB_URI: "",
      PORT: "4000",
      JWT_SECRET: "quoted # not a comment",
      PUSHER_KEY: "single",
      CORS_ORIGINS: "http://localhost:5173,http://localhost:3000",
      PUSHER_SECRET: "from-the-shell",
    });
    expect(loadDotEnv(join(tmpdir(), "no-such-dir", ".env"), target)).toEqual([]);
  });

  it("devPortsFromEnv – PORT and PUSHER_LOCAL_PORT default to 3000 and 6001; a non-port names its variable", () => {
    expect(devPortsFromEnv({})).toEqual({ port: 3000, pusherPort: 6001 });
    expect(devPortsFromEnv({ PORT: "4000", PUSHER_LOCAL_PORT: " 6002 " })).toEqual({ port: 4000, pusherPort: 6002 });
    expect(devPortsFromEnv({ PORT: "", PUSHER_LOCAL_PORT: "" })).toEqual({ port: 3000, pusherPort: 6001 });
    expect(() => devPortsFromEnv({ PUSHER_LOCAL_PORT: "abc" })).toThrow(
      new Error("PUSHER_LOCAL_PORT=abc is not a port number: use 1–65535"),
    );
    expect(() => devPortsFromEnv({ PORT: "70000" })).toThrow(new Error("PORT=70000 is not a port number: use 1–65535"));
    expect(() => devPortsFromEnv({ PORT: "0" })).toThrow(new Error("PORT=0 is not a port number: use 1–65535"));
  });

  it("wantsLocalPusher – the local server runs with no Pusher app or with .env.example's, not with another one", () => {
    expect(wantsLocalPusher({})).toBe(true);
    expect(wantsLocalPusher({ PUSHER_APP_ID: "", PUSHER_KEY: "", PUSHER_SECRET: "" })).toBe(true);
    expect(wantsLocalPusher(LOCAL_APP_ENV)).toBe(true);
    expect(wantsLocalPusher({ PUSHER_APP_ID: "1", PUSHER_KEY: "k", PUSHER_SECRET: "s", PUSHER_CLUSTER: "eu" })).toBe(
      false,
    );
    // The local app's port is PUSHER_LOCAL_PORT's business: .env.example's PUSHER_PORT=6001 must not send it elsewhere.
    expect(wantsLocalPusher({ ...LOCAL_APP_ENV, PUSHER_PORT: "6002" })).toBe(true);
    expect(wantsLocalPusher({ ...LOCAL_APP_ENV, PUSHER_KEY: "soketi-key" })).toBe(false);
    expect(wantsLocalPusher({ ...LOCAL_APP_ENV, PUSHER_HOST: "ws.example.com" })).toBe(false);
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

/** A port held by someone else for the test's duration. */
async function holdPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return { port: address.port, server };
}

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

async function freePort(): Promise<number> {
  const { port, server } = await holdPort();
  await closeServer(server);
  return port;
}

const isListening = (port: number) =>
  fetch(`http://127.0.0.1:${port}/`).then(
    () => true,
    () => false,
  );

describe("dev stack refusing to start", () => {
  it("startDevStack – a short JWT_SECRET stops it before any port opens, with the functions' message", async () => {
    const [port, pusherPort] = [await freePort(), await freePort()];
    await expect(
      startDevStack({ env: { MONGODB_URI: inject("mongoUri"), JWT_SECRET: "short" }, port, pusherPort }),
    ).rejects.toThrow(new Error("Invalid environment: JWT_SECRET: JWT_SECRET must be at least 32 characters"));
    expect([await isListening(port), await isListening(pusherPort)]).toEqual([false, false]);
  });

  it("startDevStack – a busy local Pusher port is one line naming PUSHER_LOCAL_PORT, and the API port stays closed", async () => {
    const busy = await holdPort();
    const port = await freePort();
    try {
      await expect(
        startDevStack({ env: { MONGODB_URI: inject("mongoUri") }, port, pusherPort: busy.port }),
      ).rejects.toThrow(new Error(`127.0.0.1:${busy.port} is already in use: set PUSHER_LOCAL_PORT to a free port`));
      expect(await isListening(port)).toBe(false);
    } finally {
      await closeServer(busy.server);
    }
  });

  it("startDevStack – a busy API port is one line naming PORT", async () => {
    const busy = await holdPort();
    try {
      await expect(
        startDevStack({ env: { MONGODB_URI: inject("mongoUri") }, port: busy.port, pusherPort: 0 }),
      ).rejects.toThrow(new Error(`127.0.0.1:${busy.port} is already in use: set PORT to a free port`));
    } finally {
      await closeServer(busy.server);
    }
  });

  it("npm run dev – a busy PUSHER_LOCAL_PORT or a bad JWT_SECRET is one line on stderr and exit code 1", async () => {
    const busy = await holdPort();
    const run = (env: Record<string, string>) =>
      promisify(execFile)(join(__dirname, "..", "node_modules", ".bin", "tsx"), ["dev/dev.ts"], {
        cwd: join(__dirname, ".."),
        env: { PATH: process.env.PATH, HOME: process.env.HOME, MONGODB_URI: inject("mongoUri"), ...env },
        timeout: 20_000,
      }).then(
        () => ({ code: 0, stderr: "" }),
        (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
      );
    try {
      const port = String(await freePort());
      expect(await run({ PORT: port, PUSHER_LOCAL_PORT: String(busy.port) })).toEqual({
        code: 1,
        stderr: `npm run dev failed: 127.0.0.1:${busy.port} is already in use: set PUSHER_LOCAL_PORT to a free port\n`,
      });
      expect(await run({ PORT: port, JWT_SECRET: "short" })).toEqual({
        code: 1,
        stderr: "npm run dev failed: Invalid environment: JWT_SECRET: JWT_SECRET must be at least 32 characters\n",
      });
    } finally {
      await closeServer(busy.server);
    }
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
