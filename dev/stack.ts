import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from "node:http";
import { type AddressInfo, createServer as createNetServer } from "node:net";
import { join, resolve } from "node:path";
import { parseEnv as parseDotEnv } from "node:util";
import { DEV_JWT_SECRET, parseEnv } from "../src/env-schema";
import { type RunningDatabase, startDatabase } from "./database";
import { type PublishedEvent, type PusherApp, type PusherServer, startPusherServer } from "./pusher-server";

// The whole backend on one machine, as `npm run dev` runs it (dev/dev.ts is the CLI over this):
// a database, the local Pusher-protocol server unless a real Pusher app is configured, the api/
// functions as Vercel serves them, and the live events console at /console. Never deployed.

const REPO_ROOT = join(__dirname, "..");
const CONSOLE_PAGE = join(__dirname, "console.html");
const PUSHER_JS = join(REPO_ROOT, "node_modules", "pusher-js", "dist", "web", "pusher.min.js");

/** The app in .env.example: what mobile and web developers put in their pusher-js config. */
export const LOCAL_PUSHER_APP: PusherApp = {
  appId: "shatter-local",
  key: "shatter-local-key",
  secret: "shatter-local-secret",
};
export const LOCAL_PUSHER_PORT = 6001;
export const DEFAULT_API_PORT = 3000;
const LOCAL_HOST = "127.0.0.1";
const REPLAY_LIMIT = 200;
const SSE_KEEPALIVE_MS = 15_000;

export type EnvVars = Record<string, string | undefined>;

export interface DevStackOptions {
  /** Configuration to start from (default process.env). What the stack decides is written to process.env, which src/env.ts reads. */
  env?: EnvVars;
  /** Port of the API and the console (default 3000, `PORT`; 0 picks a free one). */
  port?: number;
  host?: string;
  /** Port of the local Pusher-protocol server (default 6001, `PUSHER_LOCAL_PORT`; 0 picks a free one). */
  pusherPort?: number;
  /** Where the local database keeps its data (default .data/db). */
  dataDir?: string;
  log?: (line: string) => void;
}

/** What a pusher-js client passes: `new Pusher(key, options)`. */
export interface PusherClientConfig {
  key: string;
  options: Record<string, unknown>;
}

export interface DevStack {
  apiUrl: string;
  consoleUrl: string;
  database: RunningDatabase;
  /** "local": the bundled server, whose every publish the console lists; "external": a Pusher app or another server. */
  realtime: "local" | "external";
  /** The local Pusher-protocol server, when the stack started one. */
  pusher?: PusherServer;
  client: PusherClientConfig;
  stop(): Promise<void>;
}

/** Copies a .env file's values (read by Node's own parser) into `target` where the real environment has none. */
export function loadDotEnv(path: string, target: EnvVars = process.env): string[] {
  if (!existsSync(path)) return [];
  const loaded: string[] = [];
  for (const [key, value] of Object.entries(parseDotEnv(readFileSync(path, "utf8")))) {
    if (target[key] !== undefined || value === undefined) continue;
    target[key] = value;
    loaded.push(key);
  }
  return loaded;
}

/** `npm run dev`'s own settings, which the functions never see: the two ports it listens on. */
export function devPortsFromEnv(env: EnvVars): { port: number; pusherPort: number } {
  return {
    port: readPort(env, "PORT", DEFAULT_API_PORT),
    pusherPort: readPort(env, "PUSHER_LOCAL_PORT", LOCAL_PUSHER_PORT),
  };
}

function readPort(env: EnvVars, variable: string, fallback: number): number {
  const raw = env[variable]?.trim();
  if (!raw) return fallback;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65_535) {
    throw new Error(`${variable}=${raw} is not a port number: use 1–65535`);
  }
  return port;
}

const isSet = (value: string | undefined): value is string => value !== undefined && value.trim() !== "";

/**
 * The local server runs when no Pusher app is configured, or when the configuration is the local
 * app's own on this machine (.env.example points at it), so copying .env.example works as is. It
 * listens on PUSHER_LOCAL_PORT and the functions are pointed there, whatever PUSHER_PORT says.
 */
export function wantsLocalPusher(env: EnvVars): boolean {
  const { PUSHER_APP_ID: appId, PUSHER_KEY: key, PUSHER_SECRET: secret, PUSHER_HOST: host } = env;
  if (!isSet(appId) || !isSet(key) || !isSet(secret)) return true;
  const isLocalApp =
    appId === LOCAL_PUSHER_APP.appId && key === LOCAL_PUSHER_APP.key && secret === LOCAL_PUSHER_APP.secret;
  return isLocalApp && ["127.0.0.1", "localhost"].includes(host ?? "");
}

function localPusherEnv(host: string, port: number): EnvVars {
  return {
    PUSHER_APP_ID: LOCAL_PUSHER_APP.appId,
    PUSHER_KEY: LOCAL_PUSHER_APP.key,
    PUSHER_SECRET: LOCAL_PUSHER_APP.secret,
    PUSHER_CLUSTER: "local",
    PUSHER_HOST: host,
    PUSHER_PORT: String(port),
    PUSHER_USE_TLS: "false",
  };
}

/** A port someone else holds is one line naming the variable that moves it, not a stack trace. */
function describeListenError(error: unknown, host: string, port: number, variable: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE") return new Error(`${host}:${port} is already in use: set ${variable} to a free port`);
  if (code === "EACCES") return new Error(`${host}:${port} is not allowed: set ${variable} to a port above 1023`);
  return error;
}

/** Fails before anything starts when a fixed port is taken (0 means any free port: nothing to check). */
async function checkPortFree(host: string, port: number, variable: string): Promise<void> {
  if (port === 0) return;
  const probe = createNetServer();
  await new Promise<void>((resolve, reject) => {
    probe.once("error", (error) => reject(describeListenError(error, host, port, variable)));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** pusher-js options for whatever the backend publishes to. */
export function pusherClientConfig(env: EnvVars): PusherClientConfig {
  const key = env.PUSHER_KEY ?? "";
  if (!isSet(env.PUSHER_HOST)) return { key, options: { cluster: env.PUSHER_CLUSTER ?? "mt1" } };
  const tls = env.PUSHER_USE_TLS === "true";
  const port = Number(env.PUSHER_PORT ?? (tls ? 443 : 80));
  return {
    key,
    options: {
      cluster: env.PUSHER_CLUSTER || "local",
      wsHost: env.PUSHER_HOST,
      ...(tls ? { wssPort: port } : { wsPort: port }),
      forceTLS: tls,
      enabledTransports: [tls ? "wss" : "ws"],
    },
  };
}

export async function startDevStack(options: DevStackOptions = {}): Promise<DevStack> {
  const input = options.env ?? process.env;
  const host = options.host ?? LOCAL_HOST;
  const log = options.log ?? (() => undefined);
  const cleanups: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) => log(`stop: ${(error as Error).message}`));
    }
  };

  try {
    // Everything is checked before anything starts: the configuration the functions will parse
    // (with the database's and the local Pusher server's values still to come), then the ports.
    const apiPort = options.port ?? DEFAULT_API_PORT;
    const pusherPort = options.pusherPort ?? LOCAL_PUSHER_PORT;
    const localPusher = wantsLocalPusher(input);
    const config: EnvVars = {};
    if (!isSet(input.JWT_SECRET)) config.JWT_SECRET = DEV_JWT_SECRET;
    if (localPusher) Object.assign(config, localPusherEnv(LOCAL_HOST, pusherPort || LOCAL_PUSHER_PORT));
    const externalUri = isSet(input.MONGODB_URI) ? input.MONGODB_URI : undefined;
    if (!externalUri) {
      config.MONGODB_URI = "mongodb://127.0.0.1:27017"; // stands in for the database started below
      config.MONGODB_DB = isSet(input.MONGODB_DB) ? input.MONGODB_DB : "shatter";
    }
    parseEnv({ ...input, ...config });
    await checkPortFree(host, apiPort, "PORT");
    if (localPusher) await checkPortFree(LOCAL_HOST, pusherPort, "PUSHER_LOCAL_PORT");

    let database: RunningDatabase;
    if (externalUri) {
      database = { uri: externalUri, kind: "external", stop: async () => undefined };
    } else {
      const dataDir = resolve(options.dataDir ?? join(REPO_ROOT, ".data", "db"));
      mkdirSync(dataDir, { recursive: true });
      database = await startDatabase({ dataDir, log });
      config.MONGODB_URI = database.uri;
      cleanups.push(async () => {
        // An open Mongoose connection to a stopped database would retry forever and keep the process alive.
        const { default: mongoose } = await import("mongoose");
        await mongoose.disconnect();
        await database.stop();
      });
    }

    let pusher: PusherServer | undefined;
    if (localPusher) {
      const started = await startPusherServer({
        host: LOCAL_HOST,
        port: pusherPort,
        apps: [LOCAL_PUSHER_APP],
        log,
      }).catch((error: unknown) => {
        throw describeListenError(error, LOCAL_HOST, pusherPort, "PUSHER_LOCAL_PORT");
      });
      pusher = started;
      cleanups.push(() => started.close());
      Object.assign(config, localPusherEnv(started.host, started.port));
    }

    const resolved: EnvVars = { ...input, ...config };
    for (const [key, value] of Object.entries(resolved)) if (value !== undefined) process.env[key] = value;
    // Only now: src/env.ts parses process.env once, when the first api/ module loads.
    const { createApiListener } = await import("./local-server");

    const client = pusherClientConfig(resolved);
    const consoleHandler = createConsoleHandler({ pusher, client });
    const api = createApiListener();
    const server = createServer((req, res) => {
      if (consoleHandler(req, res)) return;
      logRequest(req, res, log);
      void api(req, res);
    });
    await new Promise<void>((ready, fail) => {
      server.once("error", (error) => fail(describeListenError(error, host, apiPort, "PORT")));
      server.listen(apiPort, host, () => ready());
    });
    cleanups.push(async () => {
      consoleHandler.closeStreams();
      server.closeAllConnections();
      await new Promise<void>((done, fail) => server.close((error) => (error ? fail(error) : done())));
    });

    const { port } = server.address() as AddressInfo;
    const origin = `http://${host}:${port}`;
    let stopping: Promise<void> | undefined;
    return {
      apiUrl: `${origin}/api`,
      consoleUrl: `${origin}/console`,
      database,
      realtime: pusher ? "local" : "external",
      ...(pusher ? { pusher } : {}),
      client,
      stop: () => {
        stopping ??= stopAll();
        return stopping;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function logRequest(req: IncomingMessage, res: ServerResponse, log: (line: string) => void): void {
  const started = Date.now();
  res.once("finish", () => log(`${req.method} ${req.url} ${res.statusCode} ${Date.now() - started} ms`));
}

interface ConsoleOptions {
  pusher: PusherServer | undefined;
  client: PusherClientConfig;
}

type ConsoleHandler = ((req: IncomingMessage, res: ServerResponse) => boolean) & { closeStreams(): void };

/** /console and its endpoints; answers false for every other path so the API gets it. */
function createConsoleHandler({ pusher, client }: ConsoleOptions): ConsoleHandler {
  const streams = new Set<ServerResponse>();
  // Numbered so a reconnecting EventSource (Last-Event-ID) gets only what it missed.
  const recent: Array<{ seq: number; event: PublishedEvent }> = [];
  let seq = 0;
  const frame = (entry: { seq: number; event: PublishedEvent }) => {
    const { time, channel, name, data } = entry.event;
    return `id: ${entry.seq}\nevent: publish\ndata: ${JSON.stringify({ seq: entry.seq, time, channel, name, data })}\n\n`;
  };
  pusher?.onPublish((event) => {
    const entry = { seq: ++seq, event };
    recent.push(entry);
    if (recent.length > REPLAY_LIMIT) recent.shift();
    for (const res of streams) res.write(frame(entry));
  });

  const routes: Record<string, RequestListener> = {
    "/console": (_req, res) => sendFile(res, CONSOLE_PAGE, "text/html; charset=utf-8"),
    "/console/pusher.js": (_req, res) => sendFile(res, PUSHER_JS, "text/javascript; charset=utf-8"),
    "/console/config": (_req, res) => {
      const body = { realtime: pusher ? "local" : "external", key: client.key, options: client.options };
      res.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
      res.end(JSON.stringify(body));
    },
    "/console/stream": (req, res) => {
      if (!pusher) {
        res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
        res.end("No local Pusher server: the backend publishes to an external Pusher app.\n");
        return;
      }
      res.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-store",
        connection: "keep-alive",
      });
      const after = Number(req.headers["last-event-id"] ?? 0) || 0;
      res.write("retry: 1000\n\n");
      for (const entry of recent) if (entry.seq > after) res.write(frame(entry));
      streams.add(res);
      const keepalive = setInterval(() => res.write(": keepalive\n\n"), SSE_KEEPALIVE_MS);
      res.once("close", () => {
        clearInterval(keepalive);
        streams.delete(res);
      });
    },
  };

  const handler = (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname.replace(/(.)\/$/, "$1");
    if (path === "/") {
      res.writeHead(302, { location: "/console" }).end();
      return true;
    }
    const route = routes[path];
    if (!route) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res
        .writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" })
        .end("Method not allowed\n");
      return true;
    }
    route(req, res);
    return true;
  };
  return Object.assign(handler, {
    closeStreams: () => {
      for (const res of streams) res.end();
      streams.clear();
    },
  });
}

function sendFile(res: ServerResponse, file: string, type: string): void {
  // Read on every request, so an edited console.html shows on reload.
  const body = readFileSync(file);
  res.writeHead(200, { "content-type": type, "content-length": body.length, "cache-control": "no-cache" });
  res.end(body);
}
