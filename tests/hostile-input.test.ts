import { createServer, type Server } from "node:http";
import fc from "fast-check";
import mongoose from "mongoose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiListener } from "../dev/local-server";
import { nameKey } from "../src/schemas/common";
import {
  api,
  bearer,
  createEvent,
  createHost,
  createUser,
  expectError,
  joinAsGuest,
  startEvent,
  type TestEvent,
  type TestUser,
} from "./support/harness";
import {
  contentTypeArb,
  deepText,
  displayNameProblem,
  expectNoPollution,
  expectSafeAnswer,
  fillPath,
  hostileBodyArb,
  invalidJsonArb,
  json,
  leavesRoute,
  METHODS,
  type Method,
  OPERATOR_TEXTS,
  objectText,
  PROTO_TEXTS,
  pathParamArb,
  prototypeSnapshot,
  queryArb,
  rawRequest,
  routeTemplates,
  SEED,
  sendSafely,
  storedShapeProblems,
  tally,
} from "./support/hostile";

// Hostile input, property-based (fast-check, fixed seed): every route under api/ gets generated
// bodies, path params, content types and tokens through the real wrapper and database. Whatever is
// sent, the answer is below 500, JSON, and a success or a whole error envelope; afterwards no
// prototype is polluted and every stored document still satisfies the stored-shape rules.

const RUNS_PER_BODY_ROUTE = 80;
const RUNS_ALL_ROUTES = 600;
const RUNS_PER_PATH_ROUTE = 25;
const RUNS_UNICODE_JOIN = 150;
const RUNS_UNICODE_SIGNUP = 25;
const PROPERTY_TIMEOUT = 90_000;

const PASSWORD = "correct horse battery";
const GRID_3X3 = Array.from({ length: 3 }, (_, r) =>
  Array.from({ length: 3 }, (_, c) => ({ question: `Square ${r}-${c}` })),
);

let host: TestUser;
let member: TestUser;
let guestToken: string;
let guestParticipantId: string;
let memberParticipantId: string;
let pending: TestEvent;
let active: TestEvent;
let lifecycle: TestEvent;
let rawServer: Server;
let prototypeBefore: string;
const startedAt = Date.now();

beforeAll(async () => {
  prototypeBefore = prototypeSnapshot();
  host = await createHost({ name: "Hana Host", password: PASSWORD });
  member = await createUser({ name: "Mia Member", password: PASSWORD });
  pending = await createEvent(host, { maxParticipant: 40 });
  active = await createEvent(host, { maxParticipant: 400 });
  lifecycle = await createEvent(host);
  const guest = await joinAsGuest(active._id, "Gus Guest");
  expect(guest.status).toBe(201);
  guestToken = guest.body.token;
  guestParticipantId = guest.body.participant._id;
  const joined = await api()
    .post(`/api/events/${active._id}/join/user`)
    .set(...bearer(member.token))
    .send({})
    .expect(201);
  memberParticipantId = joined.body.participant._id;
  await startEvent(host, active._id);
  rawServer = createServer(createApiListener());
  await new Promise<void>((resolve) => rawServer.listen(0, "127.0.0.1", resolve));
});

afterAll(async () => {
  await new Promise((resolve) => rawServer?.close(resolve));
});

interface BodyRoute {
  method: Method;
  template: string;
  /** Fields the route's body schema reads, each with a valid value as JSON text. */
  valid: () => [string, string][];
  /** Fields that accept an object, so an operator object there is not necessarily refused. */
  objectFields?: string[];
  events: () => TestEvent[];
}

const BODY_ROUTES: BodyRoute[] = [
  {
    method: "post",
    template: "/api/auth/signup",
    valid: () => [
      ["name", '"Fuzz Probe"'],
      ["email", '"fuzz-probe@example.com"'],
      ["password", json(PASSWORD)],
    ],
    events: () => [],
  },
  {
    method: "post",
    template: "/api/auth/login",
    valid: () => [
      ["email", json(host.email)],
      ["password", json(PASSWORD)],
    ],
    events: () => [],
  },
  {
    method: "post",
    template: "/api/events/createEvent",
    valid: () => [
      ["name", '"Fuzz Night"'],
      ["description", '"Bring a friend"'],
      ["startDate", '"2030-01-01"'],
      ["endDate", '"2030-01-02T10:00:00Z"'],
      ["maxParticipant", "10"],
      ["bingo", json({ grid: GRID_3X3 })],
      ["currentState", '"Upcoming"'],
      ["gameType", '"Name Bingo"'],
    ],
    objectFields: ["bingo"],
    events: () => [],
  },
  {
    method: "post",
    template: "/api/events/:eventId/join/user",
    valid: () => [
      ["name", '"Mia M"'],
      ["userId", json(member.userId)],
    ],
    events: () => [pending, active],
  },
  {
    method: "post",
    template: "/api/events/:eventId/join/guest",
    valid: () => [
      ["name", '"Fuzz Guest"'],
      ["email", '"guest@example.com"'],
      ["organization", '"Acme"'],
      ["title", '"CTO"'],
      ["socialLinks", '{"linkedin":"https://example.com/in/x","other":[{"label":"Blog","url":"https://example.com"}]}'],
      ["bio", '"Here for the bingo"'],
      ["profilePhoto", '"https://example.com/me.png"'],
    ],
    objectFields: ["socialLinks"],
    events: () => [pending, active],
  },
  { method: "post", template: "/api/events/:eventId/start", valid: () => [], events: () => [lifecycle] },
  { method: "post", template: "/api/events/:eventId/end", valid: () => [], events: () => [lifecycle] },
  {
    method: "put",
    template: "/api/events/:eventId/status",
    valid: () => [["status", '"active"']],
    events: () => [lifecycle],
  },
  {
    method: "put",
    template: "/api/events/:eventId/bingo",
    valid: () => [["grid", json(GRID_3X3)]],
    events: () => [pending],
  },
  {
    method: "post",
    template: "/api/bingo/createBingo",
    valid: () => [
      ["_eventId", json(pending._id)],
      ["description", '"Fuzzed grid"'],
      ["grid", json(GRID_3X3)],
    ],
    events: () => [],
  },
  {
    method: "put",
    template: "/api/bingo/updateBingo",
    valid: () => [
      ["id", json(pending._id)],
      ["description", '"Fuzzed grid"'],
      ["grid", json(GRID_3X3)],
    ],
    events: () => [],
  },
  {
    method: "post",
    template: "/api/events/:eventId/bingo",
    valid: () => [
      ["row", "0"],
      ["col", "1"],
      ["participantId", json(guestParticipantId)],
    ],
    events: () => [active],
  },
  {
    method: "post",
    template: "/api/participantConnections",
    valid: () => [
      ["_eventId", json(active._id)],
      ["primaryParticipantId", json(memberParticipantId)],
      ["secondaryParticipantId", json(guestParticipantId)],
      ["description", json("Met during Name Bingo")],
    ],
    events: () => [],
  },
  {
    method: "put",
    template: "/api/events/:eventId/leaderboard/score",
    valid: () => [
      ["linesCompleted", "1"],
      ["completed", "false"],
    ],
    events: () => [active],
  },
];

function tokens(): (string | undefined)[] {
  return [undefined, host.token, member.token, guestToken];
}

function authHeaders(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { Authorization: `Bearer ${token}` };
}

function fixtureParams(): Record<string, string[]> {
  return {
    eventId: [pending._id, active._id],
    userId: [host.userId, member.userId],
    joinCode: [pending.joinCode, active.joinCode],
  };
}

describe("bodies", () => {
  for (const route of BODY_ROUTES) {
    it(
      `${route.method.toUpperCase()} ${route.template} – ${RUNS_PER_BODY_ROUTE} generated hostile bodies are answered below 500 with JSON envelopes`,
      async () => {
        const valid = route.valid();
        const fields = valid.map(([field]) => field);
        const eventIds = route.events().map((event) => event._id);
        await fc.assert(
          fc.asyncProperty(
            hostileBodyArb(fields, valid),
            contentTypeArb,
            fc.constantFrom(...tokens()),
            fc.constantFrom(...(eventIds.length > 0 ? eventIds : ["-"])),
            async (body, contentType, token, eventId) => {
              const path = fillPath(route.template, { eventId });
              await sendSafely({
                method: route.method,
                path,
                headers: { "Content-Type": contentType, ...authHeaders(token) },
                body,
              });
            },
          ),
          { seed: SEED, numRuns: RUNS_PER_BODY_ROUTE },
        );
      },
      PROPERTY_TIMEOUT,
    );
  }
});

describe("path params", () => {
  const routesWithParams = () => routeTemplates().filter((route) => route.params.length > 0);
  const METHOD_OF: Record<string, Method> = {
    "/api/events/:eventId/join/user": "post",
    "/api/events/:eventId/join/guest": "post",
    "/api/events/:eventId/start": "post",
    "/api/events/:eventId/end": "post",
    "/api/events/:eventId/status": "put",
    "/api/events/:eventId/bingo": "post",
  };

  it(
    `every route with a path param – ${RUNS_PER_PATH_ROUTE} random, over-long, operator, traversal and broken percent-encoded params each are refused with an envelope`,
    async () => {
      for (const route of routesWithParams()) {
        const method = METHOD_OF[route.template] ?? "get";
        await fc.assert(
          fc.asyncProperty(
            fc.record(Object.fromEntries(route.params.map((name) => [name, pathParamArb]))),
            async (params) => {
              const values = params as Record<string, string>;
              const routerMiss = Object.values(values).some(leavesRoute);
              const shot = {
                method,
                path: fillPath(route.template, values),
                headers: { "Content-Type": "application/json", ...authHeaders(host.token) },
                body: "{}",
              };
              const { res } = await sendSafely(shot, { routerMiss });
              // No generated param names a fixture, so nothing can succeed.
              expect(res.status, `${shot.path}`).toBeGreaterThanOrEqual(400);
            },
          ),
          { seed: SEED, numRuns: RUNS_PER_PATH_ROUTE },
        );
      }
    },
    PROPERTY_TIMEOUT,
  );

  it("GET /api/events/:eventId – operator, traversal and broken percent-escapes are a 400 invalid_input; an unknown id is a 404", async () => {
    for (const param of [
      "%24ne",
      "%7B%22%24gt%22%3A%22%22%7D",
      "..%2F..%2Fusers%2Fme",
      "%E0%A4%A",
      "%",
      "%zz",
      "%ED%A0%80",
      "a".repeat(25),
    ]) {
      const { res } = await sendSafely({ method: "get", path: `/api/events/${param}` });
      expectError({ status: res.status, body: JSON.parse(res.text) }, 400, "invalid_input");
    }
    const { res } = await sendSafely({ method: "get", path: "/api/events/ffffffffffffffffffffffff" });
    expectError({ status: res.status, body: JSON.parse(res.text) }, 404, "not_found");
  });
});

describe("operator and prototype keys", () => {
  const VALUES = [
    ...OPERATOR_TEXTS.filter((text) => text.startsWith("{")),
    ...PROTO_TEXTS.filter((text) => text.startsWith("{")),
  ];

  it("an operator or prototype object in any one field of an otherwise valid body is a 400 invalid_input naming that field", async () => {
    const operatorEvent = await createEvent(host, { maxParticipant: 100 });
    for (const route of BODY_ROUTES) {
      const valid = route.valid();
      const eventId =
        route.template === "/api/events/:eventId/bingo" && route.method === "post" ? active._id : operatorEvent._id;
      for (const [field] of valid) {
        for (const value of VALUES) {
          const body = objectText([...valid.filter(([key]) => key !== field), [field, value]]);
          const path = fillPath(route.template, { eventId });
          const token = route.template.includes("join/user") ? member.token : host.token;
          const { res, body: answer } = await sendSafely({
            method: route.method,
            path,
            headers: { "Content-Type": "application/json", ...authHeaders(token) },
            body,
          });
          if (route.objectFields?.includes(field)) continue;
          const what = `${route.template} ${body}`;
          expect(res.status, what).toBe(400);
          expect(answer, what).toMatchObject({
            code: "invalid_input",
            issues: expect.arrayContaining([
              expect.objectContaining({ path: expect.stringMatching(new RegExp(`^${field}\\b`)) }),
            ]),
          });
        }
      }
    }
  });

  it("operator and prototype keys beside a valid body are ignored: the request succeeds and none of them is stored", async () => {
    const extras: [string, string][] = [
      ["$where", '"sleep(1000) || true"'],
      ["__proto__", '{"polluted":1,"admin":true}'],
      ["constructor", '{"prototype":{"polluted":1}}'],
      ["prototype", '{"polluted":1}'],
      ["$set", '{"currentState":"ended"}'],
      ["emailKey", '"admin@example.com"'],
      ["participants", "[]"],
      ["openSeats", "1000000000"],
      // `currentState` is a createEvent field now (only "Upcoming" is accepted there); `state` is not.
      ["state", '"ended"'],
      ["isGuest", "false"],
      ["authProvider", '"local"'],
    ];
    const send = async (
      method: Method,
      path: string,
      token: string | undefined,
      valid: [string, string][],
      status: number,
    ) => {
      const { res, body } = await sendSafely({
        method,
        path,
        headers: { "Content-Type": "application/json", ...authHeaders(token) },
        body: objectText([...valid, ...extras]),
      });
      expect(res.status, `${path} ${res.text.slice(0, 300)}`).toBe(status);
      return body as Record<string, Record<string, string>>;
    };
    const email = `proto-${Date.now()}@example.com`;
    await send(
      "post",
      "/api/auth/signup",
      undefined,
      [
        ["name", '"Proto Type"'],
        ["email", json(email)],
        ["password", json(PASSWORD)],
      ],
      201,
    );
    const created = await send("post", "/api/events/createEvent", host.token, [["name", '"Proto Party"']], 201);
    const eventId = created.event?._id ?? "";
    expect(created.event).toMatchObject({
      state: "pending",
      currentState: "Upcoming",
      participantCount: 0,
      maxParticipant: null,
    });
    await send("post", `/api/events/${eventId}/join/guest`, undefined, [["name", '"Proto Guest"']], 201);
    await send("post", `/api/events/${eventId}/join/user`, member.token, [["name", '"Proto Member"']], 201);
    await send("put", `/api/events/${eventId}/bingo`, host.token, [["grid", json(GRID_3X3)]], 200);
    const lobby = await api().get(`/api/events/${eventId}`).expect(200);
    expect(lobby.body.event).toMatchObject({ state: "pending", currentState: "Upcoming", participantCount: 2 });
    const db = mongoose.connection.db;
    if (!db) throw new Error("no database connection");
    const user = await db.collection("users").findOne({ email });
    expect(user).toMatchObject({ emailKey: email, authProvider: "local" });
    for (const key of ["$where", "__proto__", "constructor", "prototype", "polluted", "admin"]) {
      expect(Object.keys(user ?? {}), key).not.toContain(key);
    }
    expectNoPollution(prototypeBefore);
  });
});

describe("raw bodies", () => {
  const overLimit = (padding: number) =>
    objectText([
      ["name", '"Big Body"'],
      ["padding", json("x".repeat(padding))],
    ]);
  const targets = () =>
    BODY_ROUTES.map((route) => ({
      method: route.method.toUpperCase(),
      path: fillPath(route.template, { eventId: route.events()[0]?._id ?? "-" }),
      readsBody: route.valid().length > 0,
    }));
  const parse = (res: { status: number; text: string }) => ({ status: res.status, body: JSON.parse(res.text) });

  it("every body route – over 16 KiB with Content-Length and chunked without it is a 413 payload_too_large", async () => {
    for (const { method, path } of targets()) {
      for (const [padding, chunked] of [
        [16 * 1024, false],
        [64 * 1024, false],
        [16 * 1024, true],
        [1024 * 1024, true],
      ] as const) {
        const headers = { "Content-Type": "application/json", ...authHeaders(host.token) };
        const res = await rawRequest(rawServer, { method, path, headers, body: overLimit(padding), chunked });
        expectSafeAnswer(res, `${method} ${path} ${padding} chunked=${chunked}`);
        expectError(parse(res), 413, "payload_too_large");
      }
    }
  });

  it("every body route – 5 000 levels of nesting is a 400 invalid_input when chunked, and refused by every body schema", async () => {
    for (const { method, path, readsBody } of targets()) {
      for (const chunked of [false, true]) {
        const headers = { "Content-Type": "application/json", ...authHeaders(host.token) };
        const res = await rawRequest(rawServer, { method, path, headers, body: deepText(5000, "array"), chunked });
        expectSafeAnswer(res, `${method} ${path} deep chunked=${chunked}`);
        // start and end read no body, so with a Content-Length the wrapper has nothing to refuse.
        if (chunked || readsBody) expectError(parse(res), 400, "invalid_input");
        // Deep objects may be accepted (unknown keys are ignored) but must never break the wrapper.
        const objects = await rawRequest(rawServer, { method, path, headers, body: deepText(3000, "object"), chunked });
        expectSafeAnswer(objects, `${method} ${path} deep object chunked=${chunked}`);
      }
    }
  });

  it("every body route – a body without Content-Type, or chunked as text/plain, is a 415 unsupported_media_type", async () => {
    for (const { method, path } of targets()) {
      for (const [headers, chunked] of [
        [{}, false],
        [{ "Content-Type": "text/plain" }, true],
        [{ "Content-Type": "multipart/form-data; boundary=x" }, true],
      ] as const) {
        const res = await rawRequest(rawServer, {
          method,
          path,
          headers: { ...headers, ...authHeaders(host.token) },
          body: '{"name":"x"}',
          chunked,
        });
        expectSafeAnswer(res, `${method} ${path} ${JSON.stringify(headers)}`);
        expectError(parse(res), 415, "unsupported_media_type");
      }
    }
  });

  it("every body route – invalid JSON chunked, over or under the limit, is a 400 invalid_json", async () => {
    for (const { method, path } of targets()) {
      for (const body of ['{"name":', `{"padding":"${"x".repeat(20_000)}`]) {
        const headers = { "Content-Type": "application/json", ...authHeaders(host.token) };
        const res = await rawRequest(rawServer, { method, path, headers, body, chunked: true });
        expectSafeAnswer(res, `${method} ${path} invalid chunked`);
        expectError(parse(res), 400, "invalid_json");
      }
    }
  });
});

describe("Unicode names", () => {
  let unicodeEvent: TestEvent;
  const taken = new Set<string>();

  beforeAll(async () => {
    unicodeEvent = await createEvent(host);
  });

  async function joinNamed(name: string) {
    const shot = {
      method: "post" as const,
      path: `/api/events/${unicodeEvent._id}/join/guest`,
      headers: { "Content-Type": "application/json" },
      body: objectText([["name", json(name)]]),
    };
    const { res, body } = await sendSafely(shot);
    return {
      status: res.status,
      body: body as { participant?: { name: string }; code?: string; issues?: { path: string }[] },
    };
  }

  /** What the API must answer for `sent`: its NFC, trimmed form when that is a valid name, else a 400. */
  async function expectJoinOutcome(sent: string) {
    const expected = sent.normalize("NFC").trim();
    const res = await joinNamed(sent);
    const what = JSON.stringify(sent);
    if (displayNameProblem(expected) !== null) {
      expectError(res, 400, "invalid_input");
      expect(
        res.body.issues?.map((issue) => issue.path),
        what,
      ).toContain("name");
      return;
    }
    expect(res.status, what).toBe(201);
    const stored = res.body.participant?.name ?? "";
    if (stored !== expected) {
      // Only a name already taken in this event (ignoring case) may come back with a suffix.
      expect(taken.has(nameKey(expected)), `${what} came back as ${JSON.stringify(stored)}`).toBe(true);
      expect(stored, what).toMatch(/ \(\d+\)$/u);
    }
    expect(displayNameProblem(stored), what).toBeNull();
    taken.add(nameKey(stored));
  }

  it("POST /api/events/:eventId/join/guest – zero-width, RTL, emoji, lookalike and combining names: valid ones stored NFC and trimmed, the rest a 400", async () => {
    const accepted: [string, string][] = [
      ["Ann\u200BLee", "Ann\u200BLee"],
      ["\u200Fשלום", "\u200Fשלום"],
      ["👩‍💻 Dev", "👩‍💻 Dev"],
      ["🇯🇵 Kenji", "🇯🇵 Kenji"],
      ["\u0410nna", "\u0410nna"],
      ["Anna", "Anna"],
      ["Zoe\u0308", "Zo\u00eb"],
      ["Zo\u00eb", "Zo\u00eb (2)"],
      ["  Padded Name \n", "Padded Name"],
      ["e\u0301".repeat(50), "\u00e9".repeat(50)],
      ["😀".repeat(50), "😀".repeat(50)],
      ["a".repeat(50), "a".repeat(50)],
      [`Z${"\u0336".repeat(49)}`, `Z${"\u0336".repeat(49)}`],
    ];
    for (const [sent, stored] of accepted) {
      const res = await joinNamed(sent);
      expect(res.status, JSON.stringify(sent)).toBe(201);
      expect(res.body.participant?.name, JSON.stringify(sent)).toBe(stored);
      taken.add(nameKey(stored));
    }
    const refused = [
      "",
      "a".repeat(51),
      "😀".repeat(51),
      "\u00e9".repeat(51),
      "\u200B",
      "\u200B\u200C\u200D\u2060",
      "   ",
      "\t\n",
      "\u3000\u00A0\u2003",
      "\uFEFF",
      "\u180E",
      "\u200F",
      "\u0301",
      "\u202Eevil.exe",
      "safe\u202Dname",
      "\u2067x\u2069",
      "Ann\u0000",
      "An\u0007n",
      "A\u001Bb",
      "Ann\uD800",
      "\uDC00x",
    ];
    for (const sent of refused) {
      const res = await joinNamed(sent);
      expectError(res, 400, "invalid_input");
      expect(new Set(res.body.issues?.map((issue) => issue.path)), JSON.stringify(sent)).toEqual(new Set(["name"]));
    }
  });

  it(
    `POST /api/events/:eventId/join/guest – ${RUNS_UNICODE_JOIN} generated names: stored as their NFC, trimmed form when valid, otherwise a 400 on name`,
    async () => {
      const special = fc.constantFrom(
        ..."\u200B \u200C \u200D \u2060 \uFEFF \u200E \u200F \u202E \u202D \u2066 \u2069 \u0301 \u0308 \u0336 \u00A0 \u3000 \u0000 \u0007 \u001B \u007F \u0085 \uD800 \uDC00 а е о A a é e 😀 👩 \u{1F3FD} 🇯 🇵 ß ﬁ Ａ İ ı".split(
          " ",
        ),
        " ",
        "\t",
        "\n",
      );
      const nameArb = fc.oneof(
        fc.string({ unit: special, maxLength: 55 }),
        fc.string({ unit: "grapheme", maxLength: 55 }),
        fc.string({ unit: "binary", maxLength: 55 }),
        fc
          .tuple(fc.integer({ min: 45, max: 55 }), fc.constantFrom("a", "\u00e9", "😀", "e\u0301", "👩‍💻"))
          .map(([n, char]) => char.repeat(n)),
      );
      await fc.assert(fc.asyncProperty(nameArb, expectJoinOutcome), { seed: SEED, numRuns: RUNS_UNICODE_JOIN });
    },
    PROPERTY_TIMEOUT,
  );

  it(
    `POST /api/auth/signup – ${RUNS_UNICODE_SIGNUP} generated names: the account's name is the NFC, trimmed form, or the signup is a 400`,
    async () => {
      let n = 0;
      const nameArb = fc.oneof(
        fc.constantFrom(
          "Zoe\u0308 NFD",
          "e\u0301".repeat(50),
          "a".repeat(51),
          "\u200B",
          "\u202Eevil",
          "Ann\uD800",
          " \u00A0Trim Me\u3000",
        ),
        fc.string({ unit: "binary", maxLength: 52 }),
      );
      await fc.assert(
        fc.asyncProperty(nameArb, async (sent) => {
          const expected = sent.normalize("NFC").trim();
          const email = `unicode-${Date.now()}-${n++}@example.com`;
          const body = objectText([
            ["name", json(sent)],
            ["email", json(email)],
            ["password", json(PASSWORD)],
          ]);
          const { res, body: answer } = await sendSafely({
            method: "post",
            path: "/api/auth/signup",
            headers: { "Content-Type": "application/json" },
            body,
          });
          if (displayNameProblem(expected) !== null) {
            expectError({ status: res.status, body: answer }, 400, "invalid_input");
            return;
          }
          expect(res.status, JSON.stringify(sent)).toBe(201);
          const { token } = answer as { token: string };
          const me = await sendSafely({ method: "get", path: "/api/users/me", headers: authHeaders(token) });
          expect((me.body as { user: { name: string } }).user.name, JSON.stringify(sent)).toBe(expected);
        }),
        { seed: SEED, numRuns: RUNS_UNICODE_SIGNUP },
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
      `hostile-input: ${tally.cases} generated and hand-written requests in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
    );
  });
});

// Last: its random walk may revoke the fixtures' tokens (POST /api/auth/logout-all), delete the
// guest (DELETE /api/users/me) or an event, which the tests above rely on.
describe("every route", () => {
  it(
    `every route file under api/, every method – ${RUNS_ALL_ROUTES} requests with random JSON, content types, tokens and params are answered safely`,
    async () => {
      const routes = routeTemplates();
      const fixtures = fixtureParams();
      const paramArb = (name: string) =>
        fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom(...(fixtures[name] ?? ["ffffffffffffffffffffffff"])) },
          { weight: 1, arbitrary: pathParamArb },
        );
      const bodyArb = fc.oneof(
        fc.constant(undefined),
        fc.jsonValue().map(json),
        fc.anything().map(json),
        invalidJsonArb,
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...routes).chain((route) =>
            fc.record({
              template: fc.constant(route.template),
              params: fc.record(Object.fromEntries(route.params.map((name) => [name, paramArb(name)]))),
            }),
          ),
          fc.constantFrom(...METHODS),
          queryArb,
          bodyArb,
          contentTypeArb,
          fc.constantFrom(...tokens()),
          async ({ template, params }, method, query, body, contentType, token) => {
            const path = `${fillPath(template, params as Record<string, string>)}${query}`;
            const headers = { ...authHeaders(token), ...(body === undefined ? {} : { "Content-Type": contentType }) };
            const routerMiss = Object.values(params as Record<string, string>).some(leavesRoute);
            await sendSafely({ method, path, headers, body }, { routerMiss });
          },
        ),
        { seed: SEED, numRuns: RUNS_ALL_ROUTES },
      );
    },
    PROPERTY_TIMEOUT,
  );
});
