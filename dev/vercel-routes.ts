import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

// Resolves a request path through `.vercel/output/config.json` the way Vercel's router does for
// what `vercel build` emits for api/ functions: routes before `handle: filesystem`, then the
// filesystem (function folders), then the rewrites after it, whose `check` re-tries the
// filesystem. Enough to prove each documented path reaches its function.

interface VercelRoute {
  src?: string;
  dest?: string;
  status?: number;
  handle?: string;
  check?: boolean;
}

export type Resolution = { function: string; query: Record<string, string> } | { status: number };

export function resolveVercelPath(output: string, requestPath: string): Resolution {
  const config = JSON.parse(readFileSync(join(output, "config.json"), "utf8")) as { routes: VercelRoute[] };
  const phases = new Map<string, VercelRoute[]>([["", []]]);
  let phase = "";
  for (const route of config.routes) {
    if (route.handle) {
      phase = route.handle;
      phases.set(phase, []);
    } else {
      phases.get(phase)?.push(route);
    }
  }
  const findFunction = (path: string) =>
    [path, `${path}/index`].find((candidate) =>
      existsSync(join(output, "functions", `${candidate}.func`, ".vc-config.json")),
    );

  const url = new URL(requestPath, "http://vercel.local");
  const query = Object.fromEntries(url.searchParams);
  for (const route of phases.get("") ?? []) {
    if (route.src && new RegExp(route.src).test(url.pathname) && route.status && !route.dest)
      return { status: route.status };
  }
  const direct = findFunction(url.pathname.replace(/\/+$/, ""));
  if (direct) return { function: direct.slice(1), query };
  for (const route of phases.get("filesystem") ?? []) {
    const match = route.src ? new RegExp(route.src).exec(url.pathname) : null;
    if (!match) continue;
    if (!route.dest) return { status: route.status ?? 404 };
    const dest = new URL(
      route.dest.replace(/\$(\d+)/g, (_, i: string) => match[Number(i)] ?? ""),
      "http://vercel.local",
    );
    const found = findFunction(decodeURIComponent(dest.pathname));
    if (found) return { function: found.slice(1), query: { ...Object.fromEntries(dest.searchParams), ...query } };
    return { status: route.status ?? 404 };
  }
  return { status: 404 };
}
