import { beforeAll, describe, expect, it, vi } from "vitest";
import type { CutHow } from "./support/db-proxy";
import {
  api,
  bearer,
  createEvent,
  createHost,
  expectError,
  joinAsGuest,
  newObjectId,
  startEvent,
  type TestEvent,
  type TestUser,
} from "./support/harness";
import { stopProxyAfterAll } from "./support/proxied-database";

// The database failing under load, with the default settings (DB_TIMEOUT_MS and
// REQUEST_BUDGET_MS unset): cut at any point every answer is a 2xx or a 503, a silent database
// answers 503 within the functions' 10 s, and once the database is back the next request succeeds.
// The API reaches the real test database through a proxy that plays the network.

const proxy = await vi.hoisted(async () =>
  (await import("./support/proxied-database")).proxyTheDatabase({
    env: { DB_TIMEOUT_MS: undefined, REQUEST_BUDGET_MS: undefined },
  }),
);

// vercel.json gives every function maxDuration 10 s; a cold start and the platform need the rest.
const MAX_DURATION_MS = 10_000;
const ANSWER_LIMIT_MS = 9_000;
const RECOVERY_LIMIT_MS = 2_000;
// The old code stayed wedged past 30 s in every round. On a loaded machine one round in ten can
// wait out one DB_TIMEOUT_MS (5 s) for a request caught by the cut, so each round is held to this
// ceiling and the target above to the median.
const RECOVERY_CEILING_MS = 8_000;
const PASSWORD = "correct horse battery";

let host: TestUser;
let guest: { token: string; participantId: string };
let other: { participantId: string };
let pendingEvent: TestEvent;
let activeEvent: TestEvent;
let errors: ReturnType<typeof vi.spyOn>;

beforeAll(async () => {
  host = await createHost({ password: PASSWORD });
  pendingEvent = await createEvent(host);
  activeEvent = await createEvent(host);
  const joined = await joinAsGuest(activeEvent._id, "Gia Guest").expect(201);
  guest = { token: joined.body.token, participantId: joined.body.participant._id };
  const otherJoined = await joinAsGuest(activeEvent._id, "Omar Other").expect(201);
  other = { participantId: otherJoined.body.participant._id };
  await startEvent(host, activeEvent._id);
  // Unexpected errors are logged with console.error; a 500 would show in the status anyway.
  errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
});

/** The request log lines of 500s, so a failure says what threw. */
function loggedFailures(): string {
  return errors.mock.calls
    .map((args: unknown[]) => String(args[0]))
    .filter((line: string) => line.includes('"status":500'))
    .join("\n");
}

stopProxyAfterAll(proxy, async () => {
  errors.mockRestore();
  proxy.stall(false);
  await proxy.open();
  await vi.waitFor(async () => expect((await api().get("/api/health")).status).toBe(200), { timeout: 20_000 });
});

/** One of every kind of request, reads and writes, each with a fresh body. */
function everyKindOfRequest() {
  const email = `fault-${newObjectId()}@example.com`;
  return {
    "GET /api/events/:eventId": () => api().get(`/api/events/${activeEvent._id}`),
    "GET /api/events/event/:joinCode": () => api().get(`/api/events/event/${activeEvent.joinCode}`),
    "GET /api/events/:eventId/leaderboard": () => api().get(`/api/events/${activeEvent._id}/leaderboard`),
    "GET /api/events/:eventId/activity": () => api().get(`/api/events/${activeEvent._id}/activity`),
    "GET /api/events/:eventId/bingo": () => api().get(`/api/events/${activeEvent._id}/bingo`),
    "GET /api/health": () => api().get("/api/health"),
    "POST /api/auth/signup": () => api().post("/api/auth/signup").send({ name: "Sam", email, password: PASSWORD }),
    "POST /api/auth/login": () => api().post("/api/auth/login").send({ email: host.email, password: PASSWORD }),
    "POST /api/events/createEvent": () =>
      api()
        .post("/api/events/createEvent")
        .set(...bearer(host.token))
        .send({ name: "Fault Mixer" }),
    "POST /api/events/:eventId/join/guest": () => joinAsGuest(pendingEvent._id, `Guest ${newObjectId().slice(-6)}`),
    "POST /api/events/:eventId/join/user": () =>
      api()
        .post(`/api/events/${pendingEvent._id}/join/user`)
        .set(...bearer(host.token))
        .send({}),
    "POST /api/events/:eventId/start": () =>
      api()
        .post(`/api/events/${pendingEvent._id}/start`)
        .set(...bearer(host.token)),
    "POST /api/events/:eventId/bingo": () =>
      api()
        .post(`/api/events/${activeEvent._id}/bingo`)
        .set(...bearer(guest.token))
        .send({ row: 0, col: 0, participantId: other.participantId }),
    "POST /api/participantConnections": () =>
      api()
        .post("/api/participantConnections")
        .set(...bearer(guest.token))
        .send({
          _eventId: activeEvent._id,
          primaryParticipantId: guest.participantId,
          secondaryParticipantId: other.participantId,
          description: "Met during Name Bingo",
        }),
    "GET /api/participantConnections/connected-users": () =>
      api()
        .get(
          `/api/participantConnections/connected-users?participantId=${guest.participantId}&eventId=${activeEvent._id}`,
        )
        .set(...bearer(guest.token)),
    "PUT /api/events/:eventId/leaderboard/score": () =>
      api()
        .put(`/api/events/${activeEvent._id}/leaderboard/score`)
        .set(...bearer(guest.token))
        .send({ linesCompleted: 0 }),
  };
}

async function timed<T>(send: () => PromiseLike<T>): Promise<{ res: T; ms: number }> {
  const started = performance.now();
  const res = await send();
  return { res, ms: Math.round(performance.now() - started) };
}

/** Polls GET event until it is a 200; the time from `since` to that answer. */
async function timeToFirstOk(since: number, giveUpMs = 60_000): Promise<number> {
  for (;;) {
    const res = await api().get(`/api/events/${activeEvent._id}`);
    if (res.status === 200) return Math.round(performance.now() - since);
    if (performance.now() - since > giveUpMs) return Number.POSITIVE_INFINITY;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Keeps a few requests of every kind in flight until `stop()`; tallies their statuses. */
function startLoad() {
  const statuses = new Map<string, number>();
  const unexpected: string[] = [];
  let running = true;
  const loops = Array.from({ length: 2 }, async () => {
    while (running) {
      const requests = Object.entries(everyKindOfRequest());
      await Promise.all(
        requests.map(async ([label, send]) => {
          const res = await send();
          statuses.set(String(res.status), (statuses.get(String(res.status)) ?? 0) + 1);
          const databaseUnavailable = res.status === 503 && res.body.code === "database_unavailable";
          if (res.status >= 500 && !databaseUnavailable) unexpected.push(`${label}: ${res.status} ${res.text}`);
        }),
      );
    }
  });
  return {
    statuses,
    unexpected,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a database that stops answering", () => {
  it("every route – 503 database_unavailable within 9 s (maxDuration 10 s) with the default settings, reads and writes alike", async () => {
    await api().get("/api/health").expect(200);
    proxy.stall();
    const answers = await Promise.all(
      Object.entries(everyKindOfRequest()).map(async ([label, send]) => ({ label, ...(await timed(send)) })),
    );
    proxy.stall(false);
    proxy.cutAll();
    console.log(`silent database, default settings: ${answers.map(({ label, ms }) => `${label} ${ms} ms`).join(", ")}`);
    for (const { label, res, ms } of answers) {
      expect({ label, status: res.status, code: res.body.code }).toEqual({
        label,
        status: 503,
        code: "database_unavailable",
      });
      expectError(res, 503, "database_unavailable");
      expect(ms, label).toBeLessThan(ANSWER_LIMIT_MS);
      expect(ms, label).toBeLessThan(MAX_DURATION_MS);
    }
    const recovered = await timeToFirstOk(performance.now());
    expect(recovered).toBeLessThan(RECOVERY_LIMIT_MS);
  }, 60_000);
});

describe("cuts under load", () => {
  it.each<CutHow>(["destroy", "fin", "reset"])(
    "every route – connections cut (%s) under load: every answer a 2xx/4xx or a 503 database_unavailable, never a 500",
    async (how) => {
      const load = startLoad();
      for (let round = 0; round < 15; round++) {
        await sleep(20 + (round % 5) * 15);
        proxy.cutAll(how);
      }
      await load.stop();
      console.log(`cut (${how}) under load: ${JSON.stringify(Object.fromEntries(load.statuses))}`);
      expect(load.unexpected, loggedFailures()).toEqual([]);
      expect(load.statuses.get("503") ?? 0).toBeGreaterThan(0);
    },
    60_000,
  );

  it("every route – replies cut halfway (reset mid-reply) under load: never a 500", async () => {
    const load = startLoad();
    for (const command of ["find", "findAndModify", "insert", "update", "aggregate"]) {
      await Promise.race([proxy.cutOn({ command, at: "mid-reply" }), sleep(2_000)]);
    }
    await load.stop();
    expect(load.unexpected, loggedFailures()).toEqual([]);
  }, 60_000);
});

describe("recovery after the database comes back", () => {
  it(`GET /api/events/:eventId – cut under load and restored ten times in a row: the first 200 within ${RECOVERY_LIMIT_MS} ms (median) and never past ${RECOVERY_CEILING_MS} ms`, async () => {
    const recoveries: number[] = [];
    for (let round = 0; round < 10; round++) {
      const load = startLoad();
      await sleep(200);
      // A database that first stops answering and then drops every connection and refuses new
      // ones: the combination that left the driver wedged for a minute.
      proxy.stall();
      await sleep(2_000);
      await proxy.close();
      proxy.stall(false);
      await sleep(1_000);
      await proxy.open();
      const restoredAt = performance.now();
      recoveries.push(await timeToFirstOk(restoredAt, 30_000));
      await load.stop();
      expect(load.unexpected, loggedFailures()).toEqual([]);
    }
    console.log(`time to the first 200 after restoring the database (ms): ${recoveries.join(", ")}`);
    const sorted = [...recoveries].sort((a, b) => a - b);
    expect((sorted[4] ?? 0) + (sorted[5] ?? 0)).toBeLessThanOrEqual(2 * RECOVERY_LIMIT_MS);
    for (const ms of recoveries) expect(ms).toBeLessThanOrEqual(RECOVERY_CEILING_MS);
  }, 600_000);
});
