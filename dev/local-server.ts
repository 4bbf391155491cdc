import { readdirSync } from "node:fs";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { join, relative, sep } from "node:path";
import { parse as parseQueryString, unescape as unescapeQueryValue } from "node:querystring";
import { pathToFileURL } from "node:url";

// Serves the functions under api/ the way Vercel does, for tests (through supertest) and
// `npm run dev`: file-system routes where static segments win over `[param]` folders, route
// params added to req.query, and Vercel's req.body / req.query / res.status / res.json / res.send
// helpers with the same parsing rules (see @vercel/node's serverless-functions helpers).

type VercelLikeHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

interface RouteEntry {
  file: string;
  segments: string[];
  pattern: RegExp;
  paramNames: string[];
}

export const API_ROOT = join(__dirname, "..", "api");

export function discoverRoutes(apiRoot = API_ROOT): RouteEntry[] {
  const files = readdirSync(apiRoot, { recursive: true, encoding: "utf8" })
    // As on Vercel: a file whose name starts with "_" or "." is a helper, not a function.
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts") && !/(^|[/\\])[_.][^/\\]*$/.test(file))
    .map((file) => join(apiRoot, file));
  const routes = files.map((file) => {
    const path = relative(apiRoot, file).slice(0, -".ts".length).split(sep);
    if (path.at(-1) === "index") path.pop();
    const segments = ["api", ...path];
    const paramNames: string[] = [];
    const source = segments
      .map((segment) => {
        const param = /^\[(\w+)\]$/.exec(segment)?.[1];
        if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        paramNames.push(param);
        return "([^/]+)";
      })
      .join("/");
    return { file, segments, pattern: new RegExp(`^/${source}/?$`), paramNames };
  });
  // Static segments beat dynamic ones, position by position, as on Vercel.
  const rank = (route: RouteEntry) => route.segments.map((segment) => (segment.startsWith("[") ? "1" : "0")).join("");
  return routes.sort((a, b) => rank(a).localeCompare(rank(b)));
}

export function createApiListener(apiRoot = API_ROOT): RequestListener {
  const routes = discoverRoutes(apiRoot);
  const modules = new Map<string, Promise<VercelLikeHandler>>();
  const load = (file: string) => {
    let loaded = modules.get(file);
    if (!loaded) {
      loaded = import(pathToFileURL(file).href).then((module) => unwrapDefault(module));
      modules.set(file, loaded);
    }
    return loaded;
  };

  return async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const match = routes
      .map((route) => ({ route, found: route.pattern.exec(url.pathname) }))
      .find(({ found }) => found !== null);
    if (!match?.found) {
      res.statusCode = 404;
      res.setHeader("Content-Type", "text/plain; charset=utf-8");
      res.end("The page could not be found.\n\nNOT_FOUND\n");
      return;
    }
    // Vercel passes a route param through its query string, which @vercel/node decodes leniently:
    // malformed percent-escapes reach the function as they are instead of failing the request.
    const params = Object.fromEntries(
      match.route.paramNames.map((name, i) => [name, unescapeQueryValue(match.found?.[i + 1] ?? "")]),
    );
    try {
      const body =
        req.headers["content-type"] === undefined || req.method === "GET" || req.method === "HEAD"
          ? Buffer.alloc(0)
          : await readBody(req);
      addVercelHelpers(req, res, url, params, body);
      const handler = await load(match.route.file);
      await handler(req, res);
    } catch (error) {
      // What Vercel shows when a function crashes; our handlers never let it get this far.
      console.error(error);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end("A server error has occurred\n\nFUNCTION_INVOCATION_FAILED\n");
      }
    }
  };
}

function unwrapDefault(module: unknown): VercelLikeHandler {
  let value = module as { default?: unknown };
  // A CommonJS-compiled module imported as ESM nests the default export once more.
  while (typeof value === "object" && value !== null && "default" in value)
    value = value.default as { default?: unknown };
  if (typeof value !== "function") throw new Error("An api/ module must export a default handler function");
  return value as VercelLikeHandler;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

class BodyParseError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

function mediaType(contentType: string | undefined): string {
  if (!contentType) return "text/plain";
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (!/^[\w!#$&^.+-]+\/[\w!#$&^.+-]+$/.test(type)) throw new TypeError("invalid media type");
  return type;
}

function parseBody(body: Buffer, contentType: string | undefined): unknown {
  const type = mediaType(contentType);
  if (type === "application/json") {
    const text = body.toString();
    try {
      return text ? JSON.parse(text) : {};
    } catch {
      throw new BodyParseError(400, "Invalid JSON");
    }
  }
  if (type === "application/octet-stream") return body;
  if (type === "application/x-www-form-urlencoded") return parseQueryString(body.toString());
  if (type === "text/plain") return body.toString();
  return undefined;
}

function addVercelHelpers(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  params: Record<string, string>,
  body: Buffer,
): void {
  const query: Record<string, string | string[]> = {};
  url.searchParams.forEach((value, key) => {
    const existing = query[key];
    query[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  });
  // Vercel's rewrite appends route params to the query string; here the path always wins.
  Object.assign(query, params);
  let parsed: { value: unknown } | undefined;
  Object.defineProperty(req, "query", { value: query, enumerable: true });
  Object.defineProperty(req, "cookies", { value: {}, enumerable: true });
  Object.defineProperty(req, "body", {
    enumerable: true,
    get() {
      parsed ??= { value: parseBody(body, req.headers["content-type"]) };
      return parsed.value;
    },
  });
  const helpers = res as ServerResponse & Record<string, unknown>;
  helpers.status = (code: number) => {
    res.statusCode = code;
    return res;
  };
  helpers.json = (value: unknown) => {
    res.setHeader("Content-Type", "application/json; charset=utf-8");
    res.end(JSON.stringify(value));
    return res;
  };
  helpers.send = (value: unknown) => {
    if (typeof value === "object" && value !== null && !Buffer.isBuffer(value))
      return (helpers.json as (v: unknown) => unknown)(value);
    if (!res.hasHeader("Content-Type"))
      res.setHeader("Content-Type", Buffer.isBuffer(value) ? "application/octet-stream" : "text/html; charset=utf-8");
    res.end(value);
    return res;
  };
}
