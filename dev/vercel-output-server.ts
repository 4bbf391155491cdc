import { type ChildProcess, fork } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VERCEL_OUTPUT } from "./vercel-build";
import { resolveVercelPath } from "./vercel-routes";

// Serves what `vercel build` wrote to .vercel/output the way the platform runs it: the routes of
// config.json pick the function; each function runs in a Node process of its own, from a copy of
// its .func folder outside the repository (so a file Vercel did not trace into the function
// cannot be found), through @vercel/node's own runtime, with the request helpers (req.body,
// req.query, res.json…) exactly when the function's .vc-config.json asks for them.

// The serverless runtime of @vercel/node: loads the handler with Node's own loader and adds the
// same helpers as Vercel's launcher.
const VERCEL_NODE_RUNTIME = join(__dirname, "..", "node_modules", "@vercel", "node", "dist", "dev-server.mjs");

interface FunctionConfig {
  handler: string;
  runtime: string;
  shouldAddHelpers?: boolean;
}

interface RunningFunction {
  port: number;
  child: ChildProcess;
}

export interface FunctionFailure {
  function: string;
  problem: string;
}

export interface VercelOutputServer {
  url: string;
  /** Functions that failed to load, crashed, or answered a 500: empty when everything shipped works. */
  failures: FunctionFailure[];
  /** What each function process printed, for diagnosing a failure. */
  logs: Map<string, string>;
  close(): Promise<void>;
}

export function readFunctionConfig(fn: string, output = VERCEL_OUTPUT): FunctionConfig {
  return JSON.parse(readFileSync(join(output, "functions", `${fn}.func`, ".vc-config.json"), "utf8"));
}

export async function serveVercelOutput(env: NodeJS.ProcessEnv, output = VERCEL_OUTPUT): Promise<VercelOutputServer> {
  const sandbox = mkdtempSync(join(tmpdir(), "shatter-functions-"));
  const running = new Map<string, Promise<RunningFunction>>();
  const failures: FunctionFailure[] = [];
  const logs = new Map<string, string>();

  const start = (fn: string): Promise<RunningFunction> => {
    let started = running.get(fn);
    if (!started) {
      started = startFunction(fn, output, join(sandbox, fn.replaceAll("/", "_")), env, (text) =>
        logs.set(fn, (logs.get(fn) ?? "") + text),
      );
      running.set(fn, started);
    }
    return started;
  };

  const server = createServer((req, res) => {
    const resolved = resolveVercelPath(output, req.url ?? "/");
    if ("status" in resolved) {
      res.writeHead(resolved.status, { "Content-Type": "text/plain; charset=utf-8" }).end("NOT_FOUND\n");
      return;
    }
    const record = (problem: string) => failures.push({ function: resolved.function, problem });
    // What the platform answers when a function cannot load or crashes.
    const fail = (problem: string) => {
      record(problem);
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
      res.end("A server error has occurred\n\nFUNCTION_INVOCATION_FAILED\n");
    };
    start(resolved.function).then(
      ({ port }) => forward(req, res, port, resolved.query, { record, fail }),
      (error: Error) => fail(error.message),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    failures,
    logs,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const started = await Promise.allSettled(running.values());
      await Promise.all(
        started.map((result) => (result.status === "fulfilled" ? stopChild(result.value.child) : undefined)),
      );
      rmSync(sandbox, { recursive: true, force: true });
    },
  };
}

async function startFunction(
  fn: string,
  output: string,
  folder: string,
  env: NodeJS.ProcessEnv,
  log: (text: string) => void,
): Promise<RunningFunction> {
  const config = readFunctionConfig(fn, output);
  cpSync(join(output, "functions", `${fn}.func`), folder, { recursive: true });
  const child = fork(VERCEL_NODE_RUNTIME, [], {
    cwd: folder,
    execArgv: [],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    env: {
      ...env,
      VERCEL_DEV_ENTRYPOINT: config.handler,
      VERCEL_DEV_CONFIG: JSON.stringify({ helpers: config.shouldAddHelpers === true }),
      VERCEL_DEV_BUILD_ENV: "{}",
    },
  });
  child.stdout?.on("data", (chunk: Buffer) => log(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => log(chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (address) => resolve((address as AddressInfo).port));
    child.once("exit", (code) => reject(new Error(`${fn} exited with code ${code} before it was ready`)));
  });
  return { port, child };
}

function forward(
  req: IncomingMessage,
  res: ServerResponse,
  port: number,
  query: Record<string, string>,
  report: { record(problem: string): void; fail(problem: string): void },
): void {
  // Vercel's rewrite hands the path parameters to the function in its query string.
  const url = new URL(req.url ?? "/", "http://vercel.local");
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  const upstream = request(
    { host: "127.0.0.1", port, method: req.method, path: `${url.pathname}${url.search}`, headers: req.headers },
    (reply) => {
      if (reply.statusCode === 500) report.record(`answered 500 to ${req.method} ${req.url}`);
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(res);
    },
  );
  upstream.on("error", (error) => report.fail(`crashed on ${req.method} ${req.url}: ${error.message}`));
  req.pipe(upstream);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
