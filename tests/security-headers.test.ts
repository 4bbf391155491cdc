import type { Response } from "supertest";
import { beforeAll, describe, expect, it } from "vitest";
import { API_ROUTES } from "../api/openapi.json";
import { API_ROOT, discoverRoutes } from "../dev/local-server";
import type { HttpMethod, RouteContract } from "../src/http/route";
import {
  api,
  bearer,
  createEvent,
  createHost,
  createUser,
  expectError,
  joinAsGuest,
  newObjectId,
  startEvent,
  type TestEvent,
  type TestUser,
} from "./support/harness";

// Every route's responses, success and error, carry the security headers and a request id, and
// CORS follows the allow-list on every route. tests/http-wrapper.test.ts checks the wrapper's
// behaviour on a few routes; this extends the same promises to every function under api/, as
// discovered from the files: ROUTES below holds the requests that succeed or fail on a route for a
// reason of its own, and a function without one gets its cases from its declaration (a 405 for a
// method it does not declare; a GET when it needs no token and no parameters).

const ALLOWED_ORIGIN = "https://dashboard.shatter.test";
const FOREIGN_ORIGIN = "https://evil.example";
const CRON_SECRET = process.env.CRON_SECRET ?? "";

let host: TestUser;
let member: TestUser;
let stranger: TestUser;
let lobby: TestEvent;
let live: TestEvent;
let toStart: TestEvent;
let toEnd: TestEvent;
let toUpdate: TestEvent;
let toDelete: TestEvent;
let guestParticipantId: string;
let leavingGuestToken: string;
let guestToken: string;
let memberParticipantId: string;

beforeAll(async () => {
  [host, member, stranger] = await Promise.all([createHost(), createUser(), createUser()]);
  [lobby, live, toStart, toEnd, toUpdate, toDelete] = await Promise.all([
    createEvent(host, { maxParticipant: 20 }),
    createEvent(host),
    createEvent(host),
    createEvent(host),
    createEvent(host),
    createEvent(host),
  ]);
  leavingGuestToken = (await joinAsGuest(lobby._id, "Leaving Guest").expect(201)).body.token;
  const joined = await api()
    .post(`/api/events/${live._id}/join/user`)
    .set(...bearer(member.token))
    .send({})
    .expect(201);
  memberParticipantId = joined.body.participant._id;
  const guest = await joinAsGuest(live._id, "Gina Guest").expect(201);
  guestParticipantId = guest.body.participant._id;
  guestToken = guest.body.token;
  await startEvent(host, live._id);
  await startEvent(host, toEnd._id);
}, 60_000);

type Send = (origin?: string) => Promise<Response>;

interface RouteCase {
  /** The function under api/, as dev/local-server names its file. */
  fn: string;
  methods: string;
  path: () => string;
  /** `raw`: the answer is the document or a page; `array`: a bare JSON array (the apps' lists); else the envelope. */
  /** Left out only for a discovered function without a case below that no plain GET can answer. */
  success?: { send: Send; status: number; raw?: true; array?: true };
  error: { send: Send; status: number; code: string };
}

const withOrigin = (origin: string | undefined) => (origin ? { Origin: origin } : {});
const grid3 = Array.from({ length: 3 }, (_, r) => Array.from({ length: 3 }, (_, c) => ({ question: `Q ${r}-${c}` })));

const ROUTES: RouteCase[] = [
  {
    fn: "health",
    methods: "GET",
    path: () => "/api/health",
    success: { send: (o) => api().get("/api/health").set(withOrigin(o)), status: 200 },
    error: { send: (o) => api().put("/api/health").set(withOrigin(o)), status: 405, code: "method_not_allowed" },
  },
  {
    fn: "auth/signup",
    methods: "POST",
    path: () => "/api/auth/signup",
    success: {
      send: (o) =>
        api()
          .post("/api/auth/signup")
          .set(withOrigin(o))
          .send({ name: "Sec Headers", email: `sec-${newObjectId()}@example.com`, password: "long enough pw" }),
      status: 201,
    },
    error: {
      send: (o) => api().post("/api/auth/signup").set(withOrigin(o)).send({ name: "No Email" }),
      status: 400,
      code: "invalid_input",
    },
  },
  {
    fn: "auth/login",
    methods: "POST",
    path: () => "/api/auth/login",
    success: {
      send: (o) =>
        api()
          .post("/api/auth/login")
          .set(withOrigin(o))
          .send({ email: member.email, password: "correct horse battery" }),
      status: 200,
    },
    error: {
      send: (o) =>
        api().post("/api/auth/login").set(withOrigin(o)).send({ email: member.email, password: "not the password" }),
      status: 401,
      code: "invalid_credentials",
    },
  },
  {
    fn: "auth/logout-all",
    methods: "POST",
    path: () => "/api/auth/logout-all",
    success: {
      // A user of its own each time: the answer revokes every other token of that account.
      send: (o) =>
        createUser().then((u) =>
          api()
            .post("/api/auth/logout-all")
            .set(withOrigin(o))
            .set(...bearer(u.token)),
        ),
      status: 200,
    },
    error: { send: (o) => api().post("/api/auth/logout-all").set(withOrigin(o)), status: 401, code: "unauthorized" },
  },
  {
    fn: "users/me",
    methods: "GET, DELETE",
    path: () => "/api/users/me",
    success: {
      send: (o) =>
        api()
          .get("/api/users/me")
          .set(withOrigin(o))
          .set(...bearer(member.token)),
      status: 200,
    },
    error: { send: (o) => api().get("/api/users/me").set(withOrigin(o)), status: 401, code: "unauthorized" },
  },
  {
    fn: "users/[userId]",
    methods: "GET, PUT",
    path: () => `/api/users/${host.userId}`,
    success: {
      send: (o) =>
        api()
          .get(`/api/users/${host.userId}`)
          .set(withOrigin(o))
          .set(...bearer(member.token)),
      status: 200,
    },
    error: {
      send: (o) => api().get(`/api/users/${host.userId}`).set(withOrigin(o)),
      status: 401,
      code: "unauthorized",
    },
  },
  {
    fn: "events/createEvent",
    methods: "POST",
    path: () => "/api/events/createEvent",
    success: {
      send: (o) =>
        api()
          .post("/api/events/createEvent")
          .set(withOrigin(o))
          .set(...bearer(host.token))
          .send({ name: "Header Party" }),
      status: 201,
    },
    error: {
      send: (o) =>
        api()
          .post("/api/events/createEvent")
          .set(withOrigin(o))
          .set(...bearer(host.token))
          .send({}),
      status: 400,
      code: "invalid_input",
    },
  },
  {
    fn: "events/[eventId]/index",
    methods: "GET, PUT, DELETE",
    path: () => `/api/events/${lobby._id}`,
    success: { send: (o) => api().get(`/api/events/${lobby._id}`).set(withOrigin(o)), status: 200 },
    error: {
      send: (o) => api().get(`/api/events/${newObjectId()}`).set(withOrigin(o)),
      status: 404,
      code: "not_found",
    },
  },
  {
    fn: "events/createdEvents/user/[userId]",
    methods: "GET",
    path: () => `/api/events/createdEvents/user/${host.userId}`,
    success: {
      send: (o) =>
        api()
          .get(`/api/events/createdEvents/user/${host.userId}`)
          .set(withOrigin(o))
          .set(...bearer(host.token)),
      status: 200,
    },
    error: {
      send: (o) =>
        api()
          .get(`/api/events/createdEvents/user/${host.userId}`)
          .set(withOrigin(o))
          .set(...bearer(stranger.token)),
      status: 403,
      code: "forbidden",
    },
  },
  {
    fn: "users/[userId]/events",
    methods: "GET",
    path: () => `/api/users/${member.userId}/events`,
    success: {
      send: (o) =>
        api()
          .get(`/api/users/${member.userId}/events`)
          .set(withOrigin(o))
          .set(...bearer(member.token)),
      status: 200,
    },
    error: {
      send: (o) => api().get(`/api/users/${member.userId}/events`).set(withOrigin(o)),
      status: 401,
      code: "unauthorized",
    },
  },
  {
    fn: "events/[eventId]/leave",
    methods: "POST",
    path: () => `/api/events/${lobby._id}/leave`,
    success: {
      send: (o) =>
        api()
          .post(`/api/events/${lobby._id}/leave`)
          .set(withOrigin(o))
          .set(...bearer(leavingGuestToken)),
      status: 200,
    },
    error: {
      send: (o) =>
        api()
          .post(`/api/events/${lobby._id}/leave`)
          .set(withOrigin(o))
          .set(...bearer(host.token)),
      status: 403,
      code: "forbidden",
    },
  },
  {
    fn: "events/event/[joinCode]",
    methods: "GET",
    path: () => `/api/events/event/${lobby.joinCode}`,
    success: { send: (o) => api().get(`/api/events/event/${lobby.joinCode}`).set(withOrigin(o)), status: 200 },
    error: {
      send: (o) => api().get("/api/events/event/not-a-code").set(withOrigin(o)),
      status: 400,
      code: "invalid_input",
    },
  },
  {
    fn: "events/[eventId]/join/user",
    methods: "POST",
    path: () => `/api/events/${lobby._id}/join/user`,
    success: {
      send: (o) =>
        api()
          .post(`/api/events/${lobby._id}/join/user`)
          .set(withOrigin(o))
          .set(...bearer(stranger.token))
          .send({}),
      status: 201,
    },
    error: {
      send: (o) => api().post(`/api/events/${lobby._id}/join/user`).set(withOrigin(o)).send({}),
      status: 401,
      code: "unauthorized",
    },
  },
  {
    fn: "events/[eventId]/join/guest",
    methods: "POST",
    path: () => `/api/events/${lobby._id}/join/guest`,
    success: {
      send: (o) => api().post(`/api/events/${lobby._id}/join/guest`).set(withOrigin(o)).send({ name: "Header Guest" }),
      status: 201,
    },
    error: {
      send: (o) =>
        api().post(`/api/events/${newObjectId()}/join/guest`).set(withOrigin(o)).send({ name: "Lost Guest" }),
      status: 404,
      code: "not_found",
    },
  },
  {
    fn: "events/[eventId]/start",
    methods: "POST",
    path: () => `/api/events/${toStart._id}/start`,
    success: {
      send: (o) =>
        api()
          .post(`/api/events/${toStart._id}/start`)
          .set(withOrigin(o))
          .set(...bearer(host.token)),
      status: 200,
    },
    error: {
      send: (o) =>
        api()
          .post(`/api/events/${lobby._id}/start`)
          .set(withOrigin(o))
          .set(...bearer(member.token)),
      status: 403,
      code: "forbidden",
    },
  },
  {
    fn: "events/[eventId]/end",
    methods: "POST",
    path: () => `/api/events/${toEnd._id}/end`,
    success: {
      send: (o) =>
        api()
          .post(`/api/events/${toEnd._id}/end`)
          .set(withOrigin(o))
          .set(...bearer(host.token)),
      status: 200,
    },
    error: {
      send: (o) =>
        api()
          .post(`/api/events/${lobby._id}/end`)
          .set(withOrigin(o))
          .set(...bearer(host.token)),
      status: 409,
      code: "invalid_transition",
    },
  },
  {
    fn: "events/[eventId]/status",
    methods: "PUT",
    path: () => `/api/events/${toUpdate._id}/status`,
    success: {
      send: (o) =>
        api()
          .put(`/api/events/${toUpdate._id}/status`)
          .set(withOrigin(o))
          .set(...bearer(host.token))
          .send({ status: "active" }),
      status: 200,
    },
    error: {
      send: (o) =>
        api()
          .put(`/api/events/${lobby._id}/status`)
          .set(withOrigin(o))
          .set(...bearer(host.token))
          .send({ status: "paused" }),
      status: 400,
      code: "invalid_input",
    },
  },
  {
    fn: "events/[eventId]/bingo",
    methods: "GET, PUT, POST",
    path: () => `/api/events/${lobby._id}/bingo`,
    success: {
      send: (o) =>
        api()
          .put(`/api/events/${lobby._id}/bingo`)
          .set(withOrigin(o))
          .set(...bearer(host.token))
          .send({ grid: grid3 }),
      status: 200,
    },
    error: {
      send: (o) =>
        api()
          .post(`/api/events/${lobby._id}/bingo`)
          .set(withOrigin(o))
          .set(...bearer(stranger.token))
          .send({ row: 0, col: 0, participantId: newObjectId() }),
      status: 409,
      code: "event_not_active",
    },
  },
  {
    fn: "events/[eventId]/leaderboard/index",
    methods: "GET",
    path: () => `/api/events/${live._id}/leaderboard`,
    success: {
      send: (o) => api().get(`/api/events/${live._id}/leaderboard`).set(withOrigin(o)),
      status: 200,
      array: true,
    },
    error: {
      send: (o) => api().get(`/api/events/${newObjectId()}/leaderboard`).set(withOrigin(o)),
      status: 404,
      code: "not_found",
    },
  },
  {
    fn: "events/[eventId]/leaderboard/score",
    methods: "PUT",
    path: () => `/api/events/${live._id}/leaderboard/score`,
    success: {
      send: (o) =>
        api()
          .put(`/api/events/${live._id}/leaderboard/score`)
          .set(withOrigin(o))
          .set(...bearer(member.token))
          .send({ linesCompleted: 1 }),
      status: 200,
    },
    error: {
      send: (o) =>
        api()
          .put(`/api/events/${live._id}/leaderboard/score`)
          .set(withOrigin(o))
          .set(...bearer(stranger.token))
          .send({}),
      status: 403,
      code: "forbidden",
    },
  },
  {
    fn: "participantConnections/index",
    methods: "POST",
    path: () => "/api/participantConnections",
    success: {
      send: (o) =>
        api()
          .post("/api/participantConnections")
          .set(withOrigin(o))
          .set(...bearer(guestToken))
          .send({
            _eventId: live._id,
            primaryParticipantId: guestParticipantId,
            secondaryParticipantId: memberParticipantId,
            description: "Met during Name Bingo",
          }),
      status: 201,
    },
    error: {
      send: (o) =>
        api()
          .post("/api/participantConnections")
          .set(withOrigin(o))
          .set(...bearer(stranger.token))
          .send({
            _eventId: lobby._id,
            primaryParticipantId: guestParticipantId,
            secondaryParticipantId: memberParticipantId,
            description: "Met during Name Bingo",
          }),
      status: 409,
      code: "event_not_active",
    },
  },
  {
    fn: "participantConnections/connected-users",
    methods: "GET",
    path: () => "/api/participantConnections/connected-users",
    success: {
      send: (o) =>
        api()
          .get(`/api/participantConnections/connected-users?participantId=${guestParticipantId}&eventId=${live._id}`)
          .set(withOrigin(o))
          .set(...bearer(host.token)),
      status: 200,
      array: true,
    },
    error: {
      send: (o) =>
        api()
          .get(`/api/participantConnections/connected-users?participantId=${guestParticipantId}&eventId=${live._id}`)
          .set(withOrigin(o))
          .set(...bearer(stranger.token)),
      status: 403,
      code: "forbidden",
    },
  },
  {
    fn: "events/[eventId]/activity",
    methods: "GET",
    path: () => `/api/events/${live._id}/activity`,
    success: { send: (o) => api().get(`/api/events/${live._id}/activity?after=0`).set(withOrigin(o)), status: 200 },
    error: {
      send: (o) => api().get(`/api/events/${live._id}/activity?after=-1`).set(withOrigin(o)),
      status: 400,
      code: "invalid_input",
    },
  },
  {
    fn: "bingo/getBingo/[eventId]",
    methods: "GET",
    path: () => `/api/bingo/getBingo/${lobby._id}`,
    success: { send: (o) => api().get(`/api/bingo/getBingo/${lobby._id}`).set(withOrigin(o)), status: 200 },
    error: {
      send: (o) => api().get(`/api/bingo/getBingo/${newObjectId()}`).set(withOrigin(o)),
      status: 404,
      code: "not_found",
    },
  },
  {
    fn: "bingo/createBingo",
    methods: "POST",
    path: () => "/api/bingo/createBingo",
    success: {
      send: (o) =>
        api()
          .post("/api/bingo/createBingo")
          .set(withOrigin(o))
          .set(...bearer(host.token))
          .send({ _eventId: lobby._id, description: "headers", grid: grid3 }),
      status: 200,
    },
    error: {
      send: (o) =>
        api()
          .post("/api/bingo/createBingo")
          .set(withOrigin(o))
          .set(...bearer(stranger.token))
          .send({ _eventId: lobby._id, grid: grid3 }),
      status: 403,
      code: "forbidden",
    },
  },
  {
    fn: "bingo/updateBingo",
    methods: "PUT",
    path: () => "/api/bingo/updateBingo",
    success: {
      send: (o) =>
        api()
          .put("/api/bingo/updateBingo")
          .set(withOrigin(o))
          .set(...bearer(host.token))
          .send({ id: lobby._id, grid: grid3 }),
      status: 200,
    },
    error: {
      send: (o) =>
        api()
          .put("/api/bingo/updateBingo")
          .set(withOrigin(o))
          .set(...bearer(host.token))
          .send({ id: live._id, grid: grid3 }),
      status: 409,
      code: "event_not_pending",
    },
  },
  {
    fn: "cron/publish-pending",
    methods: "GET",
    path: () => "/api/cron/publish-pending",
    success: {
      send: (o) =>
        api()
          .get("/api/cron/publish-pending")
          .set(withOrigin(o))
          .set(...bearer(CRON_SECRET)),
      status: 200,
    },
    error: {
      send: (o) => api().get("/api/cron/publish-pending").set(withOrigin(o)),
      status: 401,
      code: "unauthorized",
    },
  },
  {
    fn: "openapi.json",
    methods: "GET",
    path: () => "/api/openapi.json",
    success: { send: (o) => api().get("/api/openapi.json").set(withOrigin(o)), status: 200, raw: true },
    error: { send: (o) => api().post("/api/openapi.json").set(withOrigin(o)), status: 405, code: "method_not_allowed" },
  },
  {
    fn: "asyncapi.json",
    methods: "GET",
    path: () => "/api/asyncapi.json",
    success: { send: (o) => api().get("/api/asyncapi.json").set(withOrigin(o)), status: 200, raw: true },
    error: {
      send: (o) => api().post("/api/asyncapi.json").set(withOrigin(o)),
      status: 405,
      code: "method_not_allowed",
    },
  },
  {
    fn: "docs",
    methods: "GET",
    path: () => "/api/docs",
    success: { send: (o) => api().get("/api/docs").set(withOrigin(o)), status: 200, raw: true },
    error: {
      send: (o) => api().get("/api/docs?asset=other.js").set(withOrigin(o)),
      status: 400,
      code: "invalid_input",
    },
  },
];

// POST /api/events/:eventId/bingo needs an active event with two participants; it is the one
// success that is not the route case's own.
const markSquare: Send = (o) =>
  api()
    .post(`/api/events/${live._id}/bingo`)
    .set(withOrigin(o))
    .set(...bearer(member.token))
    .send({ row: 0, col: 0, participantId: guestParticipantId });

const PROBE_METHODS: readonly HttpMethod[] = ["PATCH", "DELETE", "PUT", "POST", "GET"];

/** The cases of a function ROUTES has none for, from what it declares. */
function declaredCase(fn: string, contract: RouteContract): RouteCase {
  const declared = Object.keys(contract.operations) as HttpMethod[];
  const path = () => contract.path.replace(/\{\w+\}/g, () => newObjectId());
  const refused = PROBE_METHODS.find((method) => !declared.includes(method)) ?? "PATCH";
  const get = contract.operations.GET;
  const plainGet = get?.auth === "none" && !get.params && (!get.query || get.query.safeParse({}).success);
  const answer = get?.responses[200];
  return {
    fn,
    methods: declared.join(", "),
    path,
    ...(plainGet && answer
      ? {
          success: {
            send: (o) => api().get(path()).set(withOrigin(o)),
            status: 200,
            ...("contentTypes" in answer ? { raw: true as const } : {}),
          },
        }
      : {}),
    error: {
      send: (o) => api()[refused.toLowerCase() as "patch"](path()).set(withOrigin(o)),
      status: 405,
      code: "method_not_allowed",
    },
  };
}

/** Every function under api/, with its route's declaration: the files are the list. */
const FUNCTIONS = discoverRoutes(API_ROOT).map((route) => {
  const fn = route.file.slice(API_ROOT.length + 1, -".ts".length).replaceAll("\\", "/");
  const template = `/${route.segments.join("/").replace(/\[(\w+)\]/g, "{$1}")}`;
  const contract = API_ROUTES.find((handler) => handler.contract.path === template)?.contract;
  if (!contract) throw new Error(`api/${fn}: no route declares ${template}`);
  return { fn, contract, cases: ROUTES.find((known) => known.fn === fn) ?? declaredCase(fn, contract) };
});

function expectSecurityHeaders(res: Response, what: string): void {
  expect(res.headers["x-content-type-options"], what).toBe("nosniff");
  expect(res.headers["cache-control"], what).toBe("no-store");
  expect(res.headers["x-request-id"], what).toMatch(/^[\w-]{16}$/);
}

function expectAllowedCors(res: Response, what: string): void {
  expect(res.headers["access-control-allow-origin"], what).toBe(ALLOWED_ORIGIN);
  expect(res.headers.vary, what).toMatch(/\bOrigin\b/);
  // A preflight grants; an answer lets the script read its request id and retry hints.
  const exposed = res.headers["access-control-expose-headers"];
  if (res.status === 204) expect(exposed, what).toBeUndefined();
  else expect(exposed, what).toBe("X-Request-Id, Retry-After, Idempotent-Replayed");
}

function expectNoCors(res: Response, what: string): void {
  expect(res.headers["access-control-allow-origin"], what).toBeUndefined();
  expect(res.headers["access-control-allow-methods"], what).toBeUndefined();
  expect(res.headers["access-control-allow-headers"], what).toBeUndefined();
  // Still varies: a cache must not hand this answer to an allowed origin, or the reverse.
  expect(res.headers.vary, what).toMatch(/\bOrigin\b/);
}

describe("the route table", () => {
  it("every case is a function under api/, declaring the methods the case names", () => {
    const functions = FUNCTIONS.map(({ fn }) => fn);
    expect(functions).toContain("health");
    for (const route of ROUTES) {
      expect(functions, route.fn).toContain(route.fn);
      const contract = FUNCTIONS.find(({ fn }) => fn === route.fn)?.contract;
      expect(Object.keys(contract?.operations ?? {}).join(", "), route.fn).toBe(route.methods);
    }
    expect(API_ROUTES).toHaveLength(FUNCTIONS.length);
  });
});

describe("security headers and CORS on every route", () => {
  for (const { cases: route } of FUNCTIONS) {
    const name = `api/${route.fn}`;
    const { success } = route;

    if (success) {
      it(`${name} – success from an allowed origin: nosniff, no-store, a request id, the origin echoed with Vary: Origin`, async () => {
        const res = await success.send(ALLOWED_ORIGIN);
        expect(res.status, res.text).toBe(success.status);
        if (success.array) expect(res.body).toEqual(expect.any(Array));
        else if (!success.raw) expect(res.body.success).toBe(true);
        expectSecurityHeaders(res, name);
        expectAllowedCors(res, name);
      });
    }

    it(`${name} – an error for a foreign origin: the envelope, nosniff, no-store and no CORS grant`, async () => {
      const res = await route.error.send(FOREIGN_ORIGIN);
      expectError(res, route.error.status, route.error.code);
      expectSecurityHeaders(res, name);
      expectNoCors(res, name);
    });

    it(`${name} – an error for an allowed origin is readable by it; without an Origin there are no CORS headers`, async () => {
      const allowed = await route.error.send(ALLOWED_ORIGIN);
      expectError(allowed, route.error.status, route.error.code);
      expectAllowedCors(allowed, name);

      const bare = await route.error.send();
      expectSecurityHeaders(bare, name);
      expect(bare.headers["access-control-allow-origin"], name).toBeUndefined();
    });

    it(`${name} – OPTIONS preflight is a 204 granting ${route.methods}, OPTIONS to an allowed origin and nothing to a foreign one`, async () => {
      const preflight = (origin: string) =>
        api()
          .options(route.path())
          .set("Origin", origin)
          .set("Access-Control-Request-Method", route.methods.split(", ")[0] ?? "GET")
          .set("Access-Control-Request-Headers", "authorization, content-type");

      const allowed = await preflight(ALLOWED_ORIGIN);
      expect(allowed.status).toBe(204);
      expect(allowed.text).toBe("");
      expectSecurityHeaders(allowed, name);
      expectAllowedCors(allowed, name);
      expect(allowed.headers["access-control-allow-methods"]).toBe(`${route.methods}, OPTIONS`);
      expect(allowed.headers["access-control-allow-headers"]?.toLowerCase().split(/,\s*/)).toEqual(
        expect.arrayContaining(["authorization", "content-type"]),
      );

      const foreign = await preflight(FOREIGN_ORIGIN);
      expect(foreign.status).toBe(204);
      expectSecurityHeaders(foreign, name);
      expectNoCors(foreign, name);
    });
  }

  it("api/events/[eventId]/index – an edit (PUT) and a delete (DELETE) also carry the headers", async () => {
    const edit = (o?: string) =>
      api()
        .put(`/api/events/${toDelete._id}`)
        .set(withOrigin(o))
        .set(...bearer(host.token))
        .send({ description: "Edited" });
    const remove = (o?: string) =>
      api()
        .delete(`/api/events/${toDelete._id}`)
        .set(withOrigin(o))
        .set(...bearer(host.token));
    for (const send of [edit, remove]) {
      const res = await send(ALLOWED_ORIGIN);
      expect(res.status, res.text).toBe(200);
      expectSecurityHeaders(res, "events/[eventId]");
      expectAllowedCors(res, "events/[eventId]");
    }
  });

  it("api/events/[eventId]/bingo – a recorded square (POST) and the card (GET) also carry the headers", async () => {
    for (const send of [markSquare, (o?: string) => api().get(`/api/events/${live._id}/bingo`).set(withOrigin(o))]) {
      const res = await send(ALLOWED_ORIGIN);
      expect(res.status, res.text).toBe(200);
      expectSecurityHeaders(res, "bingo");
      expectAllowedCors(res, "bingo");
    }
  });
});
