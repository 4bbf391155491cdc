import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  api,
  bearer,
  createEvent,
  createHost,
  createUser,
  expectError,
  joinAsGuest,
  type TestEvent,
  type TestUser,
} from "./support/harness";
import {
  authorizationArb,
  expectNoPollution,
  fillPath,
  forgedTokenArb,
  forgeToken,
  HS256,
  json,
  type Method,
  prototypeSnapshot,
  SEED,
  sendSafely,
  storedShapeProblems,
  tally,
  validClaims,
} from "./support/hostile";

// Hostile Authorization headers, property-based (fast-check, fixed seed): forged JWTs (alg none,
// wrong secret, expired, tampered, bad claims, other headers) and junk headers are a 401 envelope
// on every protected route, and never make an optional-auth route act for someone else.

const RUNS_PER_ROUTE = 40;
const RUNS_GUEST_FORGERY = 30;
const PROPERTY_TIMEOUT = 90_000;

const SECRET = process.env.JWT_SECRET ?? "";
const GRID_3X3 = Array.from({ length: 3 }, (_, r) =>
  Array.from({ length: 3 }, (_, c) => ({ question: `Square ${r}-${c}` })),
);

let host: TestUser;
let member: TestUser;
let guest: { userId: string; token: string; participantId: string };
let event: TestEvent;
let prototypeBefore: string;
const startedAt = Date.now();

beforeAll(async () => {
  prototypeBefore = prototypeSnapshot();
  host = await createHost();
  member = await createUser({ name: "Mia Member" });
  event = await createEvent(host);
  const joined = await joinAsGuest(event._id, "Gus Guest");
  expect(joined.status).toBe(201);
  guest = { userId: joined.body.userId, token: joined.body.token, participantId: joined.body.participant._id };
});

interface ProtectedRoute {
  method: Method;
  template: string;
  body?: () => string;
}

const PROTECTED: ProtectedRoute[] = [
  { method: "get", template: "/api/users/me" },
  { method: "get", template: "/api/users/:userId" },
  { method: "post", template: "/api/events/createEvent", body: () => '{"name":"Forged Party"}' },
  { method: "post", template: "/api/events/:eventId/join/user", body: () => "{}" },
  { method: "post", template: "/api/events/:eventId/start", body: () => "{}" },
  { method: "post", template: "/api/events/:eventId/end", body: () => "{}" },
  { method: "put", template: "/api/events/:eventId/status", body: () => '{"status":"active"}' },
  { method: "put", template: "/api/events/:eventId/bingo", body: () => json({ grid: GRID_3X3 }) },
  {
    method: "post",
    template: "/api/events/:eventId/bingo",
    body: () => json({ row: 0, col: 0, participantId: guest.participantId }),
  },
];

async function call(route: ProtectedRoute, authorization: string | undefined) {
  const path = fillPath(route.template, { eventId: event._id, userId: member.userId });
  const body = route.body?.();
  const headers = {
    ...(authorization === undefined ? {} : { Authorization: authorization }),
    ...(body === undefined ? {} : { "Content-Type": "application/json" }),
  };
  const { res, body: answer } = await sendSafely({ method: route.method, path, headers, body });
  return { status: res.status, body: answer };
}

describe("forged and junk tokens on protected routes", () => {
  for (const route of PROTECTED) {
    it(
      `${route.method.toUpperCase()} ${route.template} – ${RUNS_PER_ROUTE} forged JWTs and junk Authorization headers are each a 401 unauthorized`,
      async () => {
        await fc.assert(
          fc.asyncProperty(authorizationArb(forgedTokenArb(SECRET, host.userId, host.token)), async (authorization) => {
            expectError(await call(route, authorization), 401, "unauthorized");
          }),
          { seed: SEED, numRuns: RUNS_PER_ROUTE },
        );
      },
      PROPERTY_TIMEOUT,
    );
  }

  it("every protected route – alg none, wrong secret, expired, tampered payload and a non-ObjectId userId are each a 401 unauthorized", async () => {
    const now = Math.floor(Date.now() / 1000);
    const [header, , signature] = host.token.split(".");
    const forged: Record<string, string> = {
      "alg none": forgeToken({ alg: "none", typ: "JWT" }, validClaims(host.userId), null),
      "wrong secret": forgeToken(HS256, validClaims(host.userId), `${SECRET}-but-not-quite`),
      expired: forgeToken(HS256, { userId: host.userId, kind: "user", iat: now - 7200, exp: now - 1 }, SECRET),
      "tampered payload": `${header}.${Buffer.from(JSON.stringify(validClaims(member.userId))).toString("base64url")}.${signature}`,
      "non-ObjectId userId": forgeToken(HS256, { userId: "admin", kind: "user", iat: now, exp: now + 3600 }, SECRET),
      "operator userId": forgeToken(HS256, { userId: { $ne: null }, kind: "user", iat: now, exp: now + 3600 }, SECRET),
      "HS512 header": forgeToken({ alg: "HS512", typ: "JWT" }, validClaims(host.userId), SECRET, "sha512"),
    };
    for (const route of PROTECTED) {
      for (const [kind, token] of Object.entries(forged)) {
        const res = await call(route, `Bearer ${token}`);
        expect(res.status, `${route.template} ${kind}`).toBe(401);
        expectError(res, 401, "unauthorized");
      }
    }
    // The same routes do let the real token through, so the 401s above are about the forgeries.
    expect((await call(PROTECTED[0] as ProtectedRoute, `Bearer ${host.token}`)).status).toBe(200);
  });

  it("POST /api/events/createEvent – a real guest token, or one correctly signed with kind guest, is a 403 forbidden", async () => {
    const signedGuest = forgeToken(HS256, validClaims(host.userId, "guest"), SECRET);
    for (const token of [guest.token, signedGuest]) {
      const res = await api()
        .post("/api/events/createEvent")
        .set(...bearer(token))
        .send({ name: "Guest Party" });
      tally.cases++;
      expectError(res, 403, "forbidden");
    }
  });
});

describe("forged tokens on optional-auth routes", () => {
  it(
    `POST /api/events/:eventId/join/guest – ${RUNS_GUEST_FORGERY} forged tokens of a joined guest are ignored: a new guest joins, never the victim`,
    async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(forgedTokenArb(SECRET, guest.userId, guest.token), async (token) => {
          const path = `/api/events/${event._id}/join/guest`;
          const body = json({ name: `Forger ${n++}` });
          const { res, body: answer } = await sendSafely({
            method: "post",
            path,
            headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
            body,
          });
          expect(res.status, token).toBe(201);
          expect((answer as { userId: string }).userId, token).not.toBe(guest.userId);
        }),
        { seed: SEED, numRuns: RUNS_GUEST_FORGERY },
      );
    },
    PROPERTY_TIMEOUT,
  );
});

describe("afterwards", () => {
  it("nothing stored breaks the stored-shape rules, and no prototype was polluted", async () => {
    expect(await storedShapeProblems()).toEqual([]);
    expectNoPollution(prototypeBefore);
    console.log(
      `hostile-auth: ${tally.cases} generated and hand-written requests in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
    );
  });
});
