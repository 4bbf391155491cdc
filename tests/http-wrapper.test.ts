import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import mongoose from "mongoose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createApiListener } from "../dev/local-server";
import { api, bearer, createEvent, createHost, createUser, expectError, newObjectId } from "./support/harness";

// Cross-cutting behaviour of the one wrapper every function goes through (src/http/route.ts),
// exercised through real routes.

const ALLOWED_ORIGIN = "https://dashboard.shatter.test";
const FOREIGN_ORIGIN = "https://evil.example";
const OVER_LIMIT = 16 * 1024 + 1;

async function countUsers(filter: Record<string, unknown>): Promise<number> {
  const users = mongoose.connection.db?.collection("users");
  if (!users) throw new Error("no database connection");
  return users.countDocuments(filter);
}

function signupBody(email: string, padding = 0) {
  return { name: "Big Body", email, password: "long-enough-password", note: "x".repeat(padding) };
}

beforeAll(async () => {
  // Some tests here are refused before the app connects; this request opens the connection that
  // the database checks below read through.
  await api().get("/api/health").expect(200);
});

describe("wrong method", () => {
  const cases = [
    { method: "get", path: "/api/auth/signup", allow: "POST, OPTIONS" },
    { method: "put", path: "/api/auth/login", allow: "POST, OPTIONS" },
    { method: "post", path: "/api/users/me", allow: "GET, DELETE, OPTIONS" },
    { method: "delete", path: `/api/users/${newObjectId()}`, allow: "GET, PUT, OPTIONS" },
    { method: "get", path: "/api/events/createEvent", allow: "POST, OPTIONS" },
    { method: "patch", path: `/api/events/${newObjectId()}`, allow: "GET, PUT, DELETE, OPTIONS" },
    { method: "patch", path: "/api/events/event/12345678", allow: "GET, OPTIONS" },
  ] as const;

  for (const { method, path, allow } of cases) {
    it(`${method.toUpperCase()} ${path.replace(/[0-9a-f]{24}/, ":id")} – is a 405 method_not_allowed with Allow: ${allow}`, async () => {
      const res = await api()[method](path);
      expectError(res, 405, "method_not_allowed");
      expect(res.headers.allow).toBe(allow);
    });
  }

  it("a wrong method is refused before auth or body parsing: no token and bad JSON still give 405", async () => {
    const res = await api().put("/api/users/me").set("Content-Type", "application/json").send("{not json");
    expectError(res, 405, "method_not_allowed");
  });
});

describe("one order of checks on every route: method, path params, auth, query, body", () => {
  const writes = [
    { method: "post", path: "/api/events/:id/start" },
    { method: "post", path: "/api/events/:id/end" },
    { method: "put", path: "/api/events/:id/status" },
    { method: "post", path: "/api/events/:id/join/user" },
    { method: "put", path: "/api/events/:id/bingo" },
    { method: "post", path: "/api/events/:id/bingo" },
  ] as const;

  for (const { method, path } of writes) {
    it(`${method.toUpperCase()} ${path} – a malformed id, no token and a bad body is a 400 invalid_input on the id`, async () => {
      const res = await api()[method](path.replace(":id", "not-an-id")).send({ status: 42, grid: "x", row: -1 });
      expectError(res, 400, "invalid_input");
      expect(res.body.issues).toEqual([{ path: "eventId", message: "must be a 24-character hex id" }]);
    });

    it(`${method.toUpperCase()} ${path} – a good id, no token and a bad body is a 401 unauthorized`, async () => {
      const res = await api()[method](path.replace(":id", newObjectId())).send({ status: 42, grid: "x", row: -1 });
      expectError(res, 401, "unauthorized");
    });
  }

  it("GET /api/events/:eventId/activity – a malformed id and a bad query is a 400 invalid_input on the id only", async () => {
    const res = await api().get("/api/events/nope/activity?limit=0");
    expectError(res, 400, "invalid_input");
    expect(res.body.issues).toEqual([{ path: "eventId", message: "must be a 24-character hex id" }]);
  });

  it("POST /api/events/createEvent – a guest's token with a bad body is a 403 forbidden: auth before body", async () => {
    const guest = await joinGuestToken();
    const res = await api()
      .post("/api/events/createEvent")
      .set(...bearer(guest))
      .send({ name: 42 });
    expectError(res, 403, "forbidden");
  });
});

async function joinGuestToken(): Promise<string> {
  const host = await createHost();
  const event = await createEvent(host);
  const res = await api().post(`/api/events/${event._id}/join/guest`).send({ name: "Gus Guest" }).expect(201);
  return res.body.token;
}

describe("request bodies", () => {
  it("POST /api/auth/signup – a body over 16 KiB is a 413 payload_too_large and stores nothing", async () => {
    const email = `too-big-${Date.now()}@example.com`;
    const res = await api().post("/api/auth/signup").send(signupBody(email, OVER_LIMIT));
    expectError(res, 413, "payload_too_large");
    expect(await countUsers({ emailKey: email })).toBe(0);
  });

  it("POST /api/auth/signup – a body just under 16 KiB is parsed (unknown padding field ignored)", async () => {
    const email = `just-fits-${Date.now()}@example.com`;
    const body = signupBody(email);
    const padding = 16 * 1024 - Buffer.byteLength(JSON.stringify(body)) - 10;
    const res = await api().post("/api/auth/signup").send(signupBody(email, padding));
    expect(res.status).toBe(201);
  });

  it("POST /api/auth/signup – a chunked body (no Content-Length) over 16 KiB is also a 413", async () => {
    const email = `chunked-${Date.now()}@example.com`;
    const server: Server = createServer(createApiListener());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(
          {
            host: "127.0.0.1",
            port,
            path: "/api/auth/signup",
            method: "POST",
            headers: { "Content-Type": "application/json" },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (chunk: Buffer) => chunks.push(chunk));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
          },
        );
        req.on("error", reject);
        const json = JSON.stringify(signupBody(email, OVER_LIMIT));
        // Two writes without a Content-Length make Node send Transfer-Encoding: chunked.
        req.write(json.slice(0, 100));
        req.end(json.slice(100));
      });
      expectError({ status, body: JSON.parse(body) }, 413, "payload_too_large");
      expect(await countUsers({ emailKey: email })).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("POST /api/auth/signup – a text/plain body is a 415 unsupported_media_type", async () => {
    const email = `plain-${Date.now()}@example.com`;
    const res = await api()
      .post("/api/auth/signup")
      .set("Content-Type", "text/plain")
      .send(JSON.stringify(signupBody(email)));
    expectError(res, 415, "unsupported_media_type");
    expect(await countUsers({ emailKey: email })).toBe(0);
  });

  it("POST /api/auth/login – a form-encoded body is a 415 unsupported_media_type", async () => {
    const res = await api()
      .post("/api/auth/login")
      .type("form")
      .send({ email: "a@example.com", password: "whatever-it-is" });
    expectError(res, 415, "unsupported_media_type");
  });

  it("POST /api/auth/signup – application/json with a charset parameter is accepted", async () => {
    const email = `charset-${Date.now()}@example.com`;
    const res = await api()
      .post("/api/auth/signup")
      .set("Content-Type", "application/json; charset=utf-8")
      .send(JSON.stringify(signupBody(email)));
    expect(res.status).toBe(201);
  });

  it("POST /api/auth/signup – invalid JSON is a 400 invalid_json", async () => {
    const res = await api()
      .post("/api/auth/signup")
      .set("Content-Type", "application/json")
      .send('{"name": "Broken", "email": ');
    expectError(res, 400, "invalid_json");
  });

  it("POST /api/events/:eventId/join/user – JSON that is an array, a string, a number or null is a 400 invalid_input", async () => {
    // join/user accepts an empty object, so only the body's type can make these fail.
    const host = await createHost();
    const event = await createEvent(host);
    const member = await createUser();
    for (const raw of ["[]", '[{"name":"Ann"}]', '"Ann"', "42", "null", "true"]) {
      const res = await api()
        .post(`/api/events/${event._id}/join/user`)
        .set(...bearer(member.token))
        .set("Content-Type", "application/json")
        .send(raw);
      expect(res.status, raw).toBe(400);
      expectError(res, 400, "invalid_input");
    }
    const lobby = await api().get(`/api/events/${event._id}`).expect(200);
    expect(lobby.body.event.participantCount).toBe(0);
  });
});

describe("routing", () => {
  it("an unknown route is a 404", async () => {
    for (const path of [
      "/api/nope",
      "/api/events",
      `/api/events/${newObjectId()}/nothing-here`,
      "/api/users/me/extra",
    ]) {
      const res = await api().get(path);
      expect(res.status, path).toBe(404);
    }
  });
});

describe("CORS", () => {
  it("an allowed origin is echoed in Access-Control-Allow-Origin with Vary: Origin", async () => {
    const res = await api().get("/api/health").set("Origin", ALLOWED_ORIGIN).expect(200);
    expect(res.headers["access-control-allow-origin"]).toBe(ALLOWED_ORIGIN);
    expect(res.headers.vary).toMatch(/\bOrigin\b/);
  });

  it("an allowed origin also gets the header on error responses, so the browser can read them", async () => {
    const res = await api().get("/api/users/me").set("Origin", ALLOWED_ORIGIN);
    expectError(res, 401, "unauthorized");
    expect(res.headers["access-control-allow-origin"]).toBe(ALLOWED_ORIGIN);
  });

  it("a function's 404 and 405 carry the CORS headers for the dashboard's origin, so it reads the envelope instead of \"Failed to fetch\"", async () => {
    const notFound = await api().get(`/api/events/${newObjectId()}`).set("Origin", ALLOWED_ORIGIN);
    expectError(notFound, 404, "not_found");
    const wrongMethod = await api().patch(`/api/events/${newObjectId()}`).set("Origin", ALLOWED_ORIGIN);
    expectError(wrongMethod, 405, "method_not_allowed");
    for (const res of [notFound, wrongMethod]) {
      expect(res.headers["access-control-allow-origin"]).toBe(ALLOWED_ORIGIN);
      expect(res.headers.vary).toMatch(/\bOrigin\b/);
    }
  });

  it("OPTIONS preflight from an allowed origin is a 204 with allowed methods and headers", async () => {
    const res = await api()
      .options("/api/events/createEvent")
      .set("Origin", ALLOWED_ORIGIN)
      .set("Access-Control-Request-Method", "POST")
      .set("Access-Control-Request-Headers", "authorization, content-type");
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    expect(res.headers["access-control-allow-origin"]).toBe(ALLOWED_ORIGIN);
    expect(res.headers["access-control-allow-methods"]?.split(/,\s*/)).toContain("POST");
    const allowedHeaders = res.headers["access-control-allow-headers"]?.toLowerCase().split(/,\s*/);
    expect(allowedHeaders).toEqual(expect.arrayContaining(["authorization", "content-type"]));
    expect(res.headers.vary).toMatch(/\bOrigin\b/);
  });

  it("OPTIONS preflight on a dynamic route lists that route's methods", async () => {
    const res = await api()
      .options(`/api/events/${newObjectId()}`)
      .set("Origin", ALLOWED_ORIGIN)
      .set("Access-Control-Request-Method", "GET");
    expect(res.status).toBe(204);
    expect(res.headers["access-control-allow-methods"]).toBe("GET, PUT, DELETE, OPTIONS");
  });

  it("a foreign origin gets no Access-Control-Allow-Origin, on requests and on preflights", async () => {
    const simple = await api().get("/api/health").set("Origin", FOREIGN_ORIGIN).expect(200);
    expect(simple.headers["access-control-allow-origin"]).toBeUndefined();

    const preflight = await api()
      .options("/api/events/createEvent")
      .set("Origin", FOREIGN_ORIGIN)
      .set("Access-Control-Request-Method", "POST");
    expect(preflight.headers["access-control-allow-origin"]).toBeUndefined();
    expect(preflight.headers["access-control-allow-methods"]).toBeUndefined();
  });

  it("a request without an Origin gets no CORS headers", async () => {
    const res = await api().get("/api/health").expect(200);
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
  });
});

describe("security headers and errors", () => {
  it("success and error responses carry X-Content-Type-Options: nosniff and Cache-Control: no-store", async () => {
    const user = await createUser();
    const responses = [
      await api()
        .get("/api/users/me")
        .set(...bearer(user.token))
        .expect(200),
      await api().get("/api/users/me").expect(401),
      await api().patch("/api/users/me").expect(405),
      await api().post("/api/auth/login").set("Content-Type", "application/json").send("{").expect(400),
      await api()
        .post("/api/auth/signup")
        .send({ name: "x", email: "a@example.com", password: "y".repeat(OVER_LIMIT) })
        .expect(413),
    ];
    for (const res of responses) {
      expect(res.headers["x-content-type-options"], `${res.status}`).toBe("nosniff");
      expect(res.headers["cache-control"], `${res.status}`).toBe("no-store");
      expect(res.headers["content-type"], `${res.status}`).toMatch(/^application\/json/);
    }
  });

  describe("an unexpected error", () => {
    const secretDetail = "MongoServerError: connection to db-secret-host.internal failed, password=hunter2";
    let restore: (() => void) | undefined;

    beforeAll(async () => {
      // Load the model through a real request first, then make its reads throw like a driver bug.
      const host = await createHost();
      await createEvent(host);
      const Event = mongoose.models.Event;
      if (!Event) throw new Error("the Event model is not registered");
      const spy = vi.spyOn(Event, "findById").mockImplementation(() => {
        throw new Error(secretDetail);
      });
      restore = () => spy.mockRestore();
    });

    afterAll(() => restore?.());

    it("GET /api/events/:eventId – an unexpected error is a 500 internal_error with no stack or driver message, and is logged", async () => {
      const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
      try {
        const res = await api().get(`/api/events/${newObjectId()}`);
        expectError(res, 500, "internal_error");
        expect(res.text).not.toContain("hunter2");
        expect(res.text).not.toContain("db-secret-host");
        expect(res.text).not.toContain("MongoServerError");
        expect(res.text).not.toMatch(/\bat .+:\d+:\d+/);
        expect(res.text).not.toContain("/work/");
        expect(res.headers["x-content-type-options"]).toBe("nosniff");
        // One line, a JSON object: the request's id (as in the header and the body), and the stack.
        expect(log).toHaveBeenCalledTimes(1);
        const line = JSON.parse(String(log.mock.calls[0]?.[0]));
        expect(line).toMatchObject({
          level: "error",
          requestId: res.headers["x-request-id"],
          route: "GET /api/events/{eventId}",
          status: 500,
          error: `Error: ${secretDetail}`,
        });
        expect(line.requestId).toBe(res.body.requestId);
        expect(line.stack).toMatch(/^Error: MongoServerError.*\n\s+at /);
      } finally {
        log.mockRestore();
      }
    });
  });
});
