import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildForVercel, VERCEL_OUTPUT } from "../dev/vercel-build";
import { resolveVercelPath } from "../dev/vercel-routes";

// Runs Vercel's real `vercel build` and checks the output against the contract: one function per
// route, and Vercel's generated routing sends each documented path to it.
const ID = "665a1b2c3d4e5f6a7b8c9d0e";
const CONTRACT: { path: string; fn: string; query?: Record<string, string> }[] = [
  { path: "/api/health", fn: "api/health" },
  { path: "/api/auth/signup", fn: "api/auth/signup" },
  { path: "/api/auth/login", fn: "api/auth/login" },
  { path: "/api/users/me", fn: "api/users/me" },
  { path: `/api/users/${ID}`, fn: "api/users/[userId]", query: { userId: ID } },
  { path: "/api/events/createEvent", fn: "api/events/createEvent" },
  { path: `/api/events/${ID}`, fn: "api/events/[eventId]/index", query: { eventId: ID } },
  { path: "/api/events/event/12345678", fn: "api/events/event/[joinCode]", query: { joinCode: "12345678" } },
  { path: `/api/events/${ID}/join/user`, fn: "api/events/[eventId]/join/user", query: { eventId: ID } },
  { path: `/api/events/${ID}/join/guest`, fn: "api/events/[eventId]/join/guest", query: { eventId: ID } },
  { path: `/api/events/${ID}/start`, fn: "api/events/[eventId]/start", query: { eventId: ID } },
  { path: `/api/events/${ID}/end`, fn: "api/events/[eventId]/end", query: { eventId: ID } },
  { path: `/api/events/${ID}/status`, fn: "api/events/[eventId]/status", query: { eventId: ID } },
  { path: `/api/events/${ID}/bingo`, fn: "api/events/[eventId]/bingo", query: { eventId: ID } },
  { path: `/api/events/${ID}/leaderboard`, fn: "api/events/[eventId]/leaderboard", query: { eventId: ID } },
  { path: `/api/events/${ID}/activity`, fn: "api/events/[eventId]/activity", query: { eventId: ID } },
  { path: "/api/cron/publish-pending", fn: "api/cron/publish-pending" },
];

let functions: string[] = [];

beforeAll(() => {
  functions = buildForVercel();
}, 300_000);

describe("vercel build", () => {
  it("vercel build – emits one Node function per route of the contract", () => {
    for (const { fn } of CONTRACT) expect(functions).toContain(fn);
    const config = JSON.parse(
      readFileSync(join(VERCEL_OUTPUT, "functions", "api/health.func", ".vc-config.json"), "utf8"),
    );
    expect(config).toMatchObject({ launcherType: "Nodejs", shouldAddHelpers: true, handler: "api/health.js" });
  });

  it.each(CONTRACT)("vercel routing – $path reaches $fn", ({ path, fn, query }) => {
    expect(resolveVercelPath(VERCEL_OUTPUT, path)).toEqual({ function: fn, query: query ?? {} });
  });

  it("vercel routing – source files copied into the static output are never served", () => {
    expect(resolveVercelPath(VERCEL_OUTPUT, "/src/env.ts")).toEqual({ status: 404 });
    expect(resolveVercelPath(VERCEL_OUTPUT, "/package.json")).toEqual({ status: 404 });
  });

  it("vercel build – declares the cron function that publishes what writes could not", () => {
    const config = JSON.parse(readFileSync(join(VERCEL_OUTPUT, "config.json"), "utf8"));
    expect(config.crons).toEqual([{ path: "/api/cron/publish-pending", schedule: expect.any(String) }]);
    expect(functions).toContain("api/cron/publish-pending");
  });

  it("vercel routing – an unknown API path is a 404", () => {
    expect(resolveVercelPath(VERCEL_OUTPUT, "/api/nope")).toEqual({ status: 404 });
  });
});
