import { existsSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_ROOT, discoverRoutes } from "../dev/local-server";
import { buildForVercel, VERCEL_OUTPUT } from "../dev/vercel-build";
import { readFunctionConfig, serveVercelOutput, type VercelOutputServer } from "../dev/vercel-output-server";
import { resolveVercelPath } from "../dev/vercel-routes";
import packageJson from "../package.json";
import { api, bearer, expectError, payloadsOf } from "./support/harness";

// Runs Vercel's real `vercel build`, checks the output against the contract (one function per
// route, Vercel's generated routing sends each documented path to it), then runs what it built:
// every function in a Node process of its own, from its own .func folder only, on the real
// database and the local Pusher server.
const ID = "665a1b2c3d4e5f6a7b8c9d0e";
const SAMPLE_PARAMS: Record<string, string> = { eventId: ID, userId: ID, participantId: ID, joinCode: "12345678" };
/** Every function under api/, from the files: the path a request uses, and the query Vercel adds. */
const CONTRACT = discoverRoutes().map((route) => {
  const sample = (name: string) => {
    const value = SAMPLE_PARAMS[name];
    if (value === undefined) throw new Error(`add a sample value for the route parameter ${name}`);
    return value;
  };
  return {
    path: `/${route.segments.map((segment) => segment.replace(/^\[(\w+)\]$/, (_, name: string) => sample(name))).join("/")}`,
    fn: `api/${relative(API_ROOT, route.file).slice(0, -".ts".length).split(sep).join("/")}`,
    query: Object.fromEntries(route.paramNames.map((name) => [name, sample(name)])),
  };
});

let functions: string[] = [];
let built: VercelOutputServer;

beforeAll(async () => {
  functions = buildForVercel();
  built = await serveVercelOutput(process.env);
}, 300_000);

afterAll(async () => {
  await built?.close();
});

describe("vercel build", () => {
  it("vercel build – emits one Node function per file under api/, and no other", () => {
    expect(CONTRACT.map(({ fn }) => fn).sort()).toEqual(functions);
    expect(functions).toContain("api/openapi.json");
    const config = JSON.parse(
      readFileSync(join(VERCEL_OUTPUT, "functions", "api/health.func", ".vc-config.json"), "utf8"),
    );
    expect(config).toMatchObject({ launcherType: "Nodejs", shouldAddHelpers: true, handler: "api/health.js" });
  });

  it("vercel build – every function runs on the Node major that package.json's engines and .nvmrc pin", () => {
    const major = readFileSync(join(__dirname, "..", ".nvmrc"), "utf8").trim();
    expect(packageJson.engines.node).toBe(`${major}.x`);
    for (const fn of functions) expect(readFunctionConfig(fn).runtime).toBe(`nodejs${major}.x`);
  });

  // .ci/run provides that Node; a laptop on another version still runs everything else.
  it.skipIf(!process.env.CI)("CI – the tests run on the Node major the functions run on", () => {
    const major = readFileSync(join(__dirname, "..", ".nvmrc"), "utf8").trim();
    expect(process.versions.node.split(".")[0]).toBe(major);
  });

  it.each(CONTRACT)("vercel routing – $path reaches $fn", ({ path, fn, query }) => {
    expect(resolveVercelPath(VERCEL_OUTPUT, path)).toEqual({ function: fn, query });
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

  it("GET /api/openapi.json – documents exactly the functions vercel build emits, each path reaching its own", async () => {
    const { body: document } = await api().get("/api/openapi.json").expect(200);
    const resolved = Object.keys(document.paths).map((template: string) => {
      const path = template.replace(/\{(\w+)\}/g, (_, name: string) => SAMPLE_PARAMS[name] ?? "x");
      const params = Object.fromEntries(
        [...template.matchAll(/\{(\w+)\}/g)].map(([, name = ""]) => [name, SAMPLE_PARAMS[name]]),
      );
      const expected = `${template.slice(1).replace(/\{(\w+)\}/g, "[$1]")}`;
      return { template, resolution: resolveVercelPath(VERCEL_OUTPUT, path), params, expected };
    });
    for (const { template, resolution, params, expected } of resolved) {
      const fn = functions.includes(expected) ? expected : `${expected}/index`;
      expect(resolution, template).toEqual({ function: fn, query: params });
    }
    expect(resolved.map(({ resolution }) => ("function" in resolution ? resolution.function : "")).sort()).toEqual(
      functions,
    );
  });

  it("vercel build – the docs function carries the installed Scalar bundle it serves", () => {
    const bundle = "node_modules/@scalar/api-reference/dist/browser/standalone.js";
    expect(existsSync(join(VERCEL_OUTPUT, "functions", "api/docs.func", bundle))).toBe(true);
  });

  it("vercel routing – an unknown API path is a 404", () => {
    expect(resolveVercelPath(VERCEL_OUTPUT, "/api/nope")).toEqual({ status: 404 });
  });
});

// The whole event through what ships. Any function that fails to load, crashes or answers a 500
// is recorded by the server and fails the last test.
describe("built functions", () => {
  const http = () => request(built.url);
  const grid = [0, 1, 2].map((row) => [0, 1, 2].map((col) => ({ question: `Question ${row}-${col}` })));

  it("every built function loads from its own .func folder and answers a preflight", async () => {
    const paths = functions.map((fn) =>
      `/${fn}`
        .replace(/\/index$/, "")
        .replace(/\[(\w+)\]/g, (_, name: string) => (name === "joinCode" ? "12345678" : ID)),
    );
    const answers = await Promise.all(paths.map(async (path) => ({ path, res: await http().options(path) })));
    for (const { path, res } of answers) {
      expect(res.status, `${path}: ${built.logs.get(resolveFunction(path)) ?? ""}`).toBe(204);
    }
  }, 120_000);

  it("GET /api/openapi.json and GET /api/docs – the built functions serve the document, the page and its bundle", async () => {
    const document = await http().get("/api/openapi.json").expect(200);
    expect(document.body).toEqual((await api().get("/api/openapi.json")).body);
    const page = await http().get("/api/docs").expect(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.text).toContain("/api/docs?asset=scalar.js");
    const bundle = await http().get("/api/docs?asset=scalar.js").expect(200);
    expect(bundle.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(bundle.text.length).toBeGreaterThan(1_000_000);
  }, 60_000);

  it("a whole event runs on the built functions: sign up, create, join, start, bingo, leaderboard, end, cron", async () => {
    const host = await http()
      .post("/api/auth/signup")
      .send({ name: "Hana Host", email: "hana@built.test", password: "correct horse battery" })
      .expect(201);
    const login = await http()
      .post("/api/auth/login")
      .send({ email: "hana@built.test", password: "correct horse battery" })
      .expect(200);
    expect(login.body.userId).toBe(host.body.userId);
    const created = await http()
      .post("/api/events/createEvent")
      .set(...bearer(host.body.token))
      .send({ name: "Built Mixer", maxParticipant: 10, currentState: "Upcoming", gameType: "Name Bingo" })
      .expect(201);
    const eventId: string = created.body.event._id;
    await http()
      .post("/api/bingo/createBingo")
      .set(...bearer(host.body.token))
      .send({ _eventId: eventId, description: "Built grid", grid })
      .expect(200);
    const byCode = await http().get(`/api/events/event/${created.body.event.joinCode}`).expect(200);
    expect(byCode.body.event).toMatchObject({ state: "pending", currentState: "Upcoming", gameType: "Name Bingo" });

    const ada = await http()
      .post("/api/auth/signup")
      .send({ name: "Ada", email: "ada@built.test", password: "correct horse battery" })
      .expect(201);
    await http()
      .put(`/api/users/${ada.body.userId}`)
      .set(...bearer(ada.body.token))
      .send({ profilePhoto: "https://avatars.example.com/ada.png" })
      .expect(200);
    await http()
      .get("/api/users/me")
      .set(...bearer(ada.body.token))
      .expect(200);
    await http()
      .get(`/api/users/${host.body.userId}`)
      .set(...bearer(ada.body.token))
      .expect(200);
    const adaJoin = await http()
      .post(`/api/events/${eventId}/join/user`)
      .set(...bearer(ada.body.token))
      .send({})
      .expect(201);
    const guests = [];
    for (const name of ["Grace", "Alan", "Edsger"]) {
      const res = await http().post(`/api/events/${eventId}/join/guest`).send({ name }).expect(201);
      guests.push(res.body);
    }
    await http()
      .post(`/api/events/${eventId}/start`)
      .set(...bearer(host.body.token))
      .expect(200);

    const bingo = await http()
      .get(`/api/bingo/getBingo/${eventId}`)
      .set(...bearer(ada.body.token))
      .expect(200);
    expect(bingo.body.bingo.size).toBe(3);
    for (const [col, guest] of guests.entries()) {
      await http()
        .post(`/api/events/${eventId}/bingo`)
        .set(...bearer(ada.body.token))
        .send({ row: 0, col, participantId: guest.participant._id })
        .expect(200);
    }
    const leaderboard = await http().get(`/api/events/${eventId}/leaderboard`).expect(200);
    expect(leaderboard.body[0]).toMatchObject({
      participantId: adaJoin.body.participant._id,
      linesCompleted: 1,
      squaresFilled: 3,
    });

    await http()
      .put(`/api/events/${eventId}/status`)
      .set(...bearer(host.body.token))
      .send({ status: "Completed" })
      .expect(200);
    const activity = await http().get(`/api/events/${eventId}/activity?after=0`).expect(200);
    expect(activity.body.activity.map((entry: { event: string }) => entry.event)).toEqual([
      "participant-joined",
      "participant-joined",
      "participant-joined",
      "participant-joined",
      "event-started",
      "event",
      "leaderboard-updated",
      "leaderboard-updated",
      "bingo-achieved",
      "leaderboard-updated",
      "event-ended",
      "event",
    ]);
    expect(payloadsOf(eventId, "participant-joined").map((payload) => payload.name)).toEqual([
      "Ada",
      "Grace",
      "Alan",
      "Edsger",
    ]);
    expect(payloadsOf(eventId, "bingo-achieved")).toEqual([
      { participantId: adaJoin.body.participant._id, participantName: "Ada", achievementType: "line" },
    ]);
    expect(payloadsOf(eventId, "event-ended")).toHaveLength(1);
    expect(payloadsOf(eventId, "event")).toEqual([{ status: "In Progress" }, { status: "Completed" }]);

    await http()
      .get("/api/cron/publish-pending")
      .set(...bearer("test-cron-secret-of-at-least-32-chars"))
      .expect(200);
    await http().get(`/api/events/${eventId}`).expect(200);
    await http().get("/api/health").expect(200, { success: true, db: "up", realtime: "custom-host" });
  }, 120_000);

  it("each error class comes from the built functions in the envelope: 400, 401, 403, 404, 405, 409, 413, 415", async () => {
    const guest = await http().post(`/api/events/${ID}/join/guest`).send({ name: "Nobody" });
    expectError(guest, 404, "not_found");
    expectError(await http().get("/api/events/not-an-id"), 400, "invalid_input");
    expectError(await http().post("/api/events/createEvent").send({ name: "x" }), 401, "unauthorized");
    const host = await http()
      .post("/api/auth/signup")
      .send({ name: "Errol", email: "errol@built.test", password: "correct horse battery" })
      .expect(201);
    const event = await http()
      .post("/api/events/createEvent")
      .set(...bearer(host.body.token))
      .send({ name: "Errors" })
      .expect(201);
    const eventId: string = event.body.event._id;
    const joined = await http().post(`/api/events/${eventId}/join/guest`).send({ name: "Gus" }).expect(201);
    expectError(
      await http()
        .post("/api/events/createEvent")
        .set(...bearer(joined.body.token))
        .send({ name: "x" }),
      403,
      "forbidden",
    );
    expectError(await http().delete("/api/health"), 405, "method_not_allowed");
    expectError(
      await http()
        .post(`/api/events/${eventId}/end`)
        .set(...bearer(host.body.token)),
      409,
      "invalid_transition",
    );
    const huge = await http()
      .post("/api/auth/signup")
      .set("Content-Type", "application/json")
      .send(JSON.stringify({ name: "x".repeat(20_000) }));
    expectError(huge, 413, "payload_too_large");
    const text = await http().post("/api/auth/signup").set("Content-Type", "text/plain").send("hello");
    expectError(text, 415, "unsupported_media_type");
    expectError(await http().post("/api/auth/signup").send({ name: "x" }), 400, "invalid_input");
  }, 120_000);

  // Each function is a process of its own here, as an instance is on Vercel: the join-code function
  // learns that an IP is past the miss limit only from its own count of the IP's misses, and then
  // refuses its hits from memory (a hit costs no rate-limit command: docs/limits.md).
  it("GET /api/events/event/:joinCode – past the miss limit an IP is refused by the join-code function once it counts one of its misses, real codes included", async () => {
    const ip = `10.${[1, 2, 3].map(() => Math.floor(Math.random() * 250) + 1).join(".")}`;
    const host = await http()
      .post("/api/auth/signup")
      .send({ name: "Lima Host", email: "lima@built.test", password: "correct horse battery" })
      .expect(201);
    const created = await http()
      .post("/api/events/createEvent")
      .set(...bearer(host.body.token))
      .send({ name: "Guarded" })
      .expect(201);
    const code: string = created.body.event.joinCode;
    const missingCode = code === "00000000" ? "00000001" : "00000000";
    const lookup = (joinCode: string) => http().get(`/api/events/event/${joinCode}`).set("X-Real-IP", ip);
    // The limit's misses (100 by default) made by id, at another function, within one ten-minute
    // window (the built functions run on the real clock).
    const windowLeft = 600_000 - (Date.now() % 600_000);
    if (windowLeft < 30_000) await new Promise((resolve) => setTimeout(resolve, windowLeft + 100));
    for (let i = 0; i < 100; i++) {
      expectError(
        await http()
          .get(`/api/events/${ID.slice(0, -4)}${String(i).padStart(4, "0")}`)
          .set("X-Real-IP", ip),
        404,
        "not_found",
      );
    }
    expect((await lookup(code)).status).toBe(200);
    expectError(await lookup(missingCode), 429, "rate_limited");
    expectError(await lookup(code), 429, "rate_limited");
    expect((await http().get(`/api/events/event/${code}`).set("X-Real-IP", "10.0.0.250")).status).toBe(200);
  }, 120_000);

  it("no built function failed to load, crashed or answered a 500 in any test above", () => {
    expect(built.failures).toEqual([]);
  });
});

function resolveFunction(path: string): string {
  const resolved = resolveVercelPath(VERCEL_OUTPUT, path);
  return "function" in resolved ? resolved.function : "";
}
