import mongoose from "mongoose";
import { describe, expect, it, vi } from "vitest";
import { RETRY_AFTER_MS } from "../src/realtime/resend";
import { ageActivity, storedActivity } from "./support/activity";
import { api, bearer, createEvent, createHost, joinAsGuest, publishedTo, type TestUser } from "./support/harness";
import { realDatabase, stopProxyAfterAll } from "./support/proxied-database";

// Issue 21: a start or an end is 2 commands, the transition with its seqs and the log insert, and
// counts no write in flight. These are the paths that keep it announced when the second command
// fails (the insert cut by the proxy: the event is marked for repair) and seqs unique under joins.
// The quiet period is lowered for this file through the environment, so the test waits it out.
const proxy = await vi.hoisted(async () =>
  (await import("./support/proxied-database")).proxyTheDatabase({
    env: { RETRY_AFTER_MS: "1500", PUSHER_TIMEOUT_MS: "400" },
  }),
);
const realDb = await realDatabase();
stopProxyAfterAll(proxy, () => proxy.open());

async function stored(eventId: string) {
  return realDb.collection("events").findOne({ _id: new mongoose.Types.ObjectId(eventId) });
}

function quiet(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_MS + 200));
}

function transition(host: TestUser, eventId: string, to: "start" | "end") {
  return api()
    .post(`/api/events/${eventId}/${to}`)
    .set(...bearer(host.token));
}

function runCron() {
  return api().get("/api/cron/publish-pending").set("Authorization", "Bearer test-cron-secret-of-at-least-32-chars");
}

function published(eventId: string): [string, unknown][] {
  return publishedTo(eventId).map((message) => [message.name, message.data.seq]);
}

describe("a transition whose log insert fails (issue 21)", () => {
  it("POST /api/events/:eventId/start – answers 200; the event is marked cut, and the first GET once quiet logs the start again under new seqs", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const host = await createHost();
    const event = await createEvent(host);

    const cut = proxy.cutOn({ command: "insert", collection: "activity", at: "before" });
    const started = await transition(host, event._id, "start");
    await cut;
    expect(started.status).toBe(200);
    expect(started.body.event).toMatchObject({ state: "active" });
    // Published before the insert, so clients have it; the log, which a phone catching up reads, does not.
    expect(published(event._id)).toEqual([
      ["event-started", 1],
      ["event", 2],
    ]);
    expect(await storedActivity(event._id)).toEqual([]);
    expect(await stored(event._id)).toMatchObject({ currentState: "active", lastSeq: 2, inFlight: 1 });

    // Not quiet yet: the GET leaves it alone.
    await api().get(`/api/events/${event._id}`).expect(200);
    expect(await stored(event._id)).toMatchObject({ lastSeq: 2, inFlight: 1 });

    await quiet();
    await api().get(`/api/events/${event._id}`).expect(200);
    const startedAt = started.body.event.startedAt;
    expect(
      (await storedActivity(event._id)).map(({ event: name, seq, sent, data }) => ({ name, seq, sent, data })),
    ).toEqual([
      { name: "event-started", seq: 3, sent: true, data: { eventId: event._id, state: "active", startedAt } },
      { name: "event", seq: 4, sent: true, data: { status: "In Progress" } },
    ]);
    // Announced again (a client drops only a seq it has seen; the state is the same), and the
    // first seqs are gaps.
    expect(published(event._id)).toEqual([
      ["event-started", 1],
      ["event", 2],
      ["event-started", 3],
      ["event", 4],
    ]);
    expect(await stored(event._id)).toMatchObject({ lastSeq: 4, seqGaps: 2, inFlight: 0 });

    // Repaired for good: neither a later GET nor the cron's check of recent transitions finds more.
    await quiet();
    await api().get(`/api/events/${event._id}`).expect(200);
    expect((await runCron().expect(200)).body).toMatchObject({ repaired: 0, published: 0 });
    expect(published(event._id)).toHaveLength(4);
  });

  it("POST /api/events/:eventId/end – its log insert cut: the repair announces the end again, not the start that is logged", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const host = await createHost();
    const event = await createEvent(host);
    await transition(host, event._id, "start").expect(200);
    const cut = proxy.cutOn({ command: "insert", collection: "activity", at: "before" });
    const ended = await transition(host, event._id, "end");
    await cut;
    expect(ended.status).toBe(200);
    expect(await stored(event._id)).toMatchObject({ currentState: "ended", lastSeq: 4, inFlight: 1 });

    await quiet();
    await api().get(`/api/events/${event._id}`).expect(200);
    expect((await storedActivity(event._id)).map((entry) => [entry.event, entry.seq, entry.sent])).toEqual([
      ["event-started", 1, true],
      ["event", 2, true],
      ["event-ended", 5, true],
      ["event", 6, true],
    ]);
    expect(publishedTo(event._id).at(-2)?.data).toEqual({
      eventId: event._id,
      state: "ended",
      endedAt: ended.body.event.endedAt,
      seq: 5,
    });
    expect(await stored(event._id)).toMatchObject({ lastSeq: 6, seqGaps: 2, inFlight: 0 });
  });

  it("a start whose log insert was cut, then an end that went out: the repair does not send the start after the end", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const host = await createHost();
    const event = await createEvent(host);
    const cut = proxy.cutOn({ command: "insert", collection: "activity", at: "before" });
    await transition(host, event._id, "start").expect(200);
    await cut;
    await transition(host, event._id, "end").expect(200);

    await quiet();
    await api().get(`/api/events/${event._id}`).expect(200);
    // Sent in seq order, a start after the end would take a client back to active.
    expect((await storedActivity(event._id)).map((entry) => [entry.event, entry.seq])).toEqual([
      ["event-ended", 3],
      ["event", 4],
    ]);
    expect(published(event._id)).toHaveLength(4);
    expect(await stored(event._id)).toMatchObject({ lastSeq: 4, seqGaps: 2, inFlight: 0 });
  });

  it("GET /api/cron/publish-pending – a healthy transitioned event is not marked, and is checked once: it leaves the next runs' list", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    await transition(host, event._id, "start").expect(200);
    await transition(host, event._id, "end").expect(200);
    const past = new Date(Date.now() - RETRY_AFTER_MS - 1_000);
    await ageActivity(event._id, past);
    await realDb
      .collection("events")
      .updateOne({ _id: new mongoose.Types.ObjectId(event._id) }, { $set: { startedAt: past, endedAt: past } });
    expect((await runCron().expect(200)).body).toMatchObject({ repaired: 0, published: 0 });
    expect(await stored(event._id)).toMatchObject({ lastSeq: 4, inFlight: 0, transitionChecked: "ended" });
  });
});

describe("a start among concurrent joins (issue 21)", () => {
  it("POST /api/events/:eventId/start – 12 joins at once: every seq handed out once, all logged and published once", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const [start, ...joins] = await Promise.all([
      transition(host, event._id, "start"),
      ...Array.from({ length: 12 }, (_, i) => joinAsGuest(event._id, `Racer ${i}`)),
    ]);
    expect(start?.status).toBe(200);
    for (const join of joins) expect(join.status).toBe(201);
    const seqs = (await storedActivity(event._id)).map((entry) => entry.seq);
    expect(seqs).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
    const sent = published(event._id).map(([, seq]) => Number(seq));
    expect([...sent].sort((a, b) => a - b)).toEqual(seqs);
    // The start's two seqs are consecutive, event-started first.
    const startSeq = published(event._id).find(([name]) => name === "event-started")?.[1];
    expect(published(event._id)).toContainEqual(["event", Number(startSeq) + 1]);
    expect(await stored(event._id)).toMatchObject({ lastSeq: 14, seqGaps: 0, inFlight: 0, participantCount: 12 });
  });
});
