import { afterEach, beforeAll, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { env } from "../src/env";
import { api, countCommands, createEvent, createHost, joinAsGuest } from "./support/harness";

// The one line every request writes when it is answered (src/http/request-log.ts): a JSON object
// with its id (the response's X-Request-Id), route, status, time and database commands, counted
// per request even when requests run at once. The suite runs at LOG_LEVEL=warn; these tests lower it.

type Line = Record<string, unknown>;
let logged: MockInstance<(...args: unknown[]) => void>;

function requestLines(): Line[] {
  return logged.mock.calls.map((args) => JSON.parse(String(args[0])) as Line).filter((line) => line.msg === "request");
}

function lineFor(requestId: string | undefined): Line | undefined {
  return requestLines().find((line) => line.requestId === requestId);
}

beforeAll(async () => {
  await api().get("/api/health").expect(200);
});

beforeEach(() => {
  env.LOG_LEVEL = "info";
  logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
});

afterEach(() => {
  logged.mockRestore();
  env.LOG_LEVEL = "warn";
});

describe("the request log line", () => {
  it("GET /api/events/:eventId – one info line: id, route template, status, ms and the 2 database commands round-trips.test.ts counts", async () => {
    const event = await createEvent(await createHost());
    logged.mockClear();
    const { result: res, commands } = await countCommands(() => api().get(`/api/events/${event._id}`));
    expect(res.status).toBe(200);
    expect(commands).toEqual(["find", "find"]);
    expect(requestLines()).toEqual([
      {
        level: "info",
        msg: "request",
        requestId: res.headers["x-request-id"],
        route: "GET /api/events/{eventId}",
        status: 200,
        ms: expect.any(Number),
        dbCommands: commands.length,
        time: expect.any(String),
      },
    ]);
  });

  it("concurrent requests each count only their own commands: 2 per event read, 6 per guest join", async () => {
    const events = await Promise.all([1, 2, 3].map(async () => createEvent(await createHost())));
    logged.mockClear();
    const reads = events.flatMap((event) => [1, 2, 3].map(() => api().get(`/api/events/${event._id}`)));
    const joins = events.flatMap((event) => [1, 2].map((i) => joinAsGuest(event._id, `Concurrent ${i}`)));
    const [readAnswers, joinAnswers] = await Promise.all([Promise.all(reads), Promise.all(joins)]);
    for (const res of readAnswers) {
      expect(res.status).toBe(200);
      expect(lineFor(res.headers["x-request-id"])).toMatchObject({ route: "GET /api/events/{eventId}", dbCommands: 2 });
    }
    for (const res of joinAnswers) {
      expect(res.status).toBe(201);
      expect(lineFor(res.headers["x-request-id"])).toMatchObject({
        route: "POST /api/events/{eventId}/join/guest",
        status: 201,
        dbCommands: 6,
      });
    }
    expect(requestLines()).toHaveLength(readAnswers.length + joinAnswers.length);
  });

  it("a 4xx is an info line with the error body's request id; at LOG_LEVEL=warn it is not written", async () => {
    const res = await api().get("/api/events/not-an-id");
    expect(res.status).toBe(400);
    expect(res.body.requestId).toBe(res.headers["x-request-id"]);
    expect(lineFor(res.body.requestId)).toMatchObject({
      level: "info",
      status: 400,
      route: "GET /api/events/{eventId}",
    });

    env.LOG_LEVEL = "warn";
    logged.mockClear();
    await api().get("/api/events/not-an-id").expect(400);
    expect(logged).not.toHaveBeenCalled();
  });

  it("OPTIONS and a 405 are logged with the method that was sent", async () => {
    const preflight = await api().options("/api/health").expect(204);
    const refused = await api().delete("/api/health").expect(405);
    expect(lineFor(preflight.headers["x-request-id"])).toMatchObject({ route: "OPTIONS /api/health", status: 204 });
    expect(lineFor(refused.headers["x-request-id"])).toMatchObject({ route: "DELETE /api/health", status: 405 });
  });
});
