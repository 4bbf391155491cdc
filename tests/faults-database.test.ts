import mongoose from "mongoose";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { UNLIMITED_SEATS } from "../src/models/event";
import type { CommandTrap } from "./support/db-proxy";
import { api, createEvent, createHost, expectError, joinAsGuest, newObjectId, publishedTo } from "./support/harness";
import { realDatabase, stopProxyAfterAll } from "./support/proxied-database";

// The database failing under the API: unreachable at cold start, lost between requests, and cut
// between or inside the commands of one guest join. The API talks to the real test database
// through a proxy that plays the network; the checks read the real database directly.

// Closed to begin with: the first requests find nothing listening on MONGODB_URI's port.
const proxy = await vi.hoisted(async () =>
  (await import("./support/proxied-database")).proxyTheDatabase({
    listening: false,
    env: { DB_TIMEOUT_MS: "1000", REQUEST_BUDGET_MS: "4000" },
  }),
);

const TIME_LIMIT_MS = 3_000;
const realDb = await realDatabase();
stopProxyAfterAll(proxy, () => proxy.open());

/** One of each kind of request: a guest join, a signup, a public read and the health check. */
function requests(eventId: string) {
  const email = `cold-${newObjectId()}@example.com`;
  return {
    "POST /api/events/:eventId/join/guest": () => joinAsGuest(eventId, "Cold Start Cass"),
    "POST /api/auth/signup": () =>
      api().post("/api/auth/signup").send({ name: "Sam Signup", email, password: "correct horse battery" }),
    "GET /api/events/:eventId": () => api().get(`/api/events/${eventId}`),
    "GET /api/health": () => api().get("/api/health"),
  };
}

/** Runs every request at once and expects each to be a 503 database_unavailable in time. */
async function expectAllUnavailable(eventId: string, timeLimitMs = TIME_LIMIT_MS): Promise<void> {
  const answers = await Promise.all(
    Object.entries(requests(eventId)).map(async ([label, send]) => {
      const started = performance.now();
      const res = await send();
      return { label, res, elapsed: performance.now() - started };
    }),
  );
  for (const { label, res, elapsed } of answers) {
    expectError(res, 503, "database_unavailable");
    expect(elapsed, label).toBeLessThan(timeLimitMs);
  }
}

async function storedEvent(eventId: string) {
  return realDb.collection("events").findOne({ _id: new mongoose.Types.ObjectId(eventId) });
}

/** Every participant of every event has a user: the invariant a cut must never break. */
async function participantsWithoutUser(): Promise<string[]> {
  const userIds = (await realDb.collection("eventparticipants").find({}).toArray()) as unknown as {
    userId: mongoose.Types.ObjectId;
  }[];
  const users = await realDb
    .collection("users")
    .find({ _id: { $in: userIds.map((p) => p.userId) } })
    .toArray();
  const found = new Set(users.map((user) => String(user._id)));
  return userIds.map((p) => String(p.userId)).filter((id) => !found.has(id));
}

describe("database unreachable at cold start", () => {
  it("join, signup, GET event and health – 503 database_unavailable within the timeout, twice (nothing cached)", async () => {
    const eventId = newObjectId();
    await expectAllUnavailable(eventId);
    // A cached failed connection would answer at once; a forgotten one is tried again, and fails again.
    await expectAllUnavailable(eventId);
  });

  it("GET /api/health – once the database is reachable the next request connects", async () => {
    await proxy.open();
    const res = await api().get("/api/health").expect(200);
    expect(res.body).toMatchObject({ success: true, db: "up" });
  });
});

describe("database lost between requests", () => {
  it("during an outage every request is a 503 within the timeout; afterwards the connection recovers", async () => {
    await proxy.open();
    const host = await createHost();
    const event = await createEvent(host);
    const before = await joinAsGuest(event._id, "Before Outage").expect(201);

    await proxy.close();
    await expectAllUnavailable(event._id);

    await proxy.open();
    const after = await joinAsGuest(event._id, "After Outage").expect(201);
    const res = await api().get(`/api/events/${event._id}`).expect(200);
    expect(res.body.event.participantIds.map((p: { _id: string }) => p._id)).toEqual([
      before.body.participant._id,
      after.body.participant._id,
    ]);
    expect(res.body.event.participantCount).toBe(2);
  });
});

describe("database hanging mid-request", () => {
  it("a database that stops answering (no refusal, no reset) is a 503 within REQUEST_BUDGET_MS, then recovers", async () => {
    await proxy.open();
    const host = await createHost();
    const event = await createEvent(host);
    await joinAsGuest(event._id, "Before Hang").expect(201);

    proxy.stall();
    // Each wait is bounded by DB_TIMEOUT_MS (1 s here), but a write waits several times: the reply
    // that never comes, server selection, a new connection, and the driver's one retry. The
    // request's time budget (4 s here) bounds the sum.
    await expectAllUnavailable(event._id, 4_000 + 500);

    proxy.stall(false);
    proxy.cutAll();
    // The driver finds the server again on its next heartbeat.
    await vi.waitFor(async () => expect((await api().get("/api/health")).status).toBe(200), {
      timeout: 20_000,
      interval: 250,
    });
    await joinAsGuest(event._id, "After Hang").expect(201);
    const res = await api().get(`/api/events/${event._id}`).expect(200);
    expect(res.body.event.participantIds.map((p: { name: string }) => p.name)).toEqual(["Before Hang", "After Hang"]);
  }, 60_000);
});

interface CutCase {
  label: string;
  trap: CommandTrap;
  /** What the guest sees. */
  status: number;
  /** What the database keeps: a participant (with its user) and/or only a guest user. */
  participant: boolean;
  guestUser: boolean;
  /** How often its participant-joined has reached Pusher once the cron has run. */
  announced: number;
}

// A guest join runs: rate-limit window (findAndModify ratelimitwindows), guest user (insert
// users), the seat and its seq (findAndModify events), the participant (insert eventparticipants),
// then the publish and its activity-log entry (insert activity).
const cuts: CutCase[] = [
  {
    label: "before the guest user is written",
    trap: { command: "insert", collection: "users", at: "before" },
    status: 503,
    participant: false,
    guestUser: false,
    announced: 0,
  },
  {
    // The outcome is unknown to the API, so nothing it could undo is undone: an unused guest user.
    label: "after the guest user is written, before its reply",
    trap: { command: "insert", collection: "users", at: "after" },
    status: 503,
    participant: false,
    guestUser: true,
    announced: 0,
  },
  {
    // Again the API cannot tell whether the seat was taken, so it keeps the guest user.
    label: "before the seat is taken",
    trap: { command: "findAndModify", collection: "events", at: "before" },
    status: 503,
    participant: false,
    guestUser: true,
    announced: 0,
  },
  {
    // A seat and a seq taken for a participant that is never written: the cron's audit gives the
    // seat back (participantCount and openSeats below are read after the cron ran).
    label: "after the seat is taken, before its reply",
    trap: { command: "findAndModify", collection: "events", at: "after" },
    status: 503,
    participant: false,
    guestUser: true,
    announced: 0,
  },
  {
    // The join is stored but the guest hears 503 (a replica set's retryable writes would hide
    // this); the participant keeps its user, and its participant-joined goes out with the cron.
    label: "after the participant is written, before its reply",
    trap: { command: "insert", collection: "eventparticipants", at: "after" },
    status: 503,
    participant: true,
    guestUser: true,
    announced: 1,
  },
  {
    // Published already; only its log entry is lost, so the cron rebuilds it from the participant
    // and publishes it once more under the same seq.
    label: "after the publish, while writing it to the activity log",
    trap: { command: "insert", collection: "activity", at: "before" },
    status: 201,
    participant: true,
    guestUser: true,
    announced: 2,
  },
];

describe("database cut in the middle of a guest join", () => {
  beforeAll(() => proxy.open());

  it.each(cuts)("POST /api/events/:eventId/join/guest – cut $label", async (cut) => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const host = await createHost();
    const event = await createEvent(host);
    const name = `Cut ${newObjectId()}`;

    const fired = proxy.cutOn(cut.trap);
    const started = performance.now();
    const res = await joinAsGuest(event._id, name);
    const elapsed = performance.now() - started;
    await fired;

    if (cut.status === 503) expectError(res, 503, "database_unavailable");
    else expect(res.status).toBe(cut.status);
    expect(elapsed).toBeLessThan(TIME_LIMIT_MS);
    if (cut.status === 201) {
      const logged = errors.mock.calls.map((args) => args.map(String).join(" "));
      expect(logged.some((line) => line.includes("recording activity failed"))).toBe(true);
    }
    errors.mockRestore();

    const participants = await realDb
      .collection("eventparticipants")
      .find({ eventId: new mongoose.Types.ObjectId(event._id) })
      .toArray();
    expect(participants.map((p) => p.name)).toEqual(cut.participant ? [name] : []);
    expect(await realDb.collection("users").countDocuments({ name, authProvider: "guest" })).toBe(
      cut.guestUser ? 1 : 0,
    );
    expect(await participantsWithoutUser()).toEqual([]);

    // Once aged, the cron announces a stored join with the seq it was stored with; one that went
    // out before the cut goes out again under the same seq (clients drop a seq they have seen).
    // Its audit also gives back a seat taken for a participant that was never written.
    await ageEachEntry(event._id);
    await api()
      .get("/api/cron/publish-pending")
      .set("Authorization", "Bearer test-cron-secret-of-at-least-32-chars")
      .expect(200);
    const stored = await storedEvent(event._id);
    expect(stored?.participantCount).toBe(cut.participant ? 1 : 0);
    expect(stored?.openSeats).toBe(UNLIMITED_SEATS - (cut.participant ? 1 : 0));
    const announced = publishedTo(event._id).filter((message) => message.data.name === name);
    expect(announced.length).toBe(cut.announced);
    for (const message of announced) expect(message.data.seq).toBe(1);
  });
});

/** Makes the event and its log entries look long untouched, so the cron audits and retries them. */
async function ageEachEntry(eventId: string): Promise<void> {
  const _id = new mongoose.Types.ObjectId(eventId);
  await realDb.collection("activity").updateMany({ eventId: _id }, { $set: { at: new Date(0) } });
  await realDb.collection("events").updateOne({ _id }, { $set: { updatedAt: new Date(0) } });
}
