import mongoose from "mongoose";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { PusherFault } from "../dev/pusher-server";
import { Event } from "../src/models/event";
import { RETRY_AFTER_MS } from "../src/realtime/resend";
import { ageActivity, storedActivity } from "./support/activity";
import {
  api,
  bearer,
  createEvent,
  createHost,
  joinAsGuest,
  publishedTo,
  pusherServer,
  startEvent,
  type TestUser,
} from "./support/harness";

// Pusher failing under the API: the write is kept and answered as a success in time, and the
// realtime event goes out later with the seq it was stored with, exactly once.

afterEach(() => {
  pusherServer().setFault(null);
  vi.restoreAllMocks();
});

const ANSWER_WITHIN_MS = 2_000;
const DELAY_MS = 3_000;

const faults: [string, PusherFault][] = [
  ["answering 500", { kind: "status", status: 500 }],
  ["answering 413", { kind: "status", status: 413 }],
  [`timing out (${DELAY_MS} ms stall)`, { kind: "delay", ms: DELAY_MS }],
];

function runCron() {
  return api()
    .get("/api/cron/publish-pending")
    .set("Authorization", "Bearer test-cron-secret-of-at-least-32-chars")
    .expect(200);
}

// When the last request that met a fault was sent.
let lastFaulted = 0;

async function timed<T>(action: () => PromiseLike<T>): Promise<T> {
  const started = performance.now();
  lastFaulted = started;
  const result = await action();
  expect(performance.now() - started).toBeLessThan(ANSWER_WITHIN_MS);
  return result;
}

function transition(host: TestUser, eventId: string, to: "start" | "end") {
  return api()
    .post(`/api/events/${eventId}/${to}`)
    .set(...bearer(host.token));
}

/** `[event name, seq]` of everything published to the event, in order. */
function publishedSeqs(eventId: string): [string, unknown][] {
  return publishedTo(eventId).map((message) => [message.name, message.data.seq]);
}

/** Each seq reached Pusher exactly once, and the seqs are 1..n. */
function expectEachSeqOnce(eventId: string, count: number): void {
  const seqs = publishedTo(eventId).map((message) => Number(message.data.seq));
  expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
}

/** A stalled publish answers after the stall; a late success there would be a second delivery. */
async function outlastStall(fault: PusherFault): Promise<void> {
  if (fault?.kind !== "delay") return;
  const left = lastFaulted + fault.ms + 200 - performance.now();
  if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
}

describe("Pusher failing during join, start and end", () => {
  it.each(faults)(
    "Pusher %s: each write is kept and answered in time; the next write to the event delivers it",
    async (_label, fault) => {
      vi.spyOn(console, "error").mockImplementation(() => undefined);
      const host = await createHost();
      const event = await createEvent(host);

      pusherServer().setFault(fault);
      const joined = await timed(() => joinAsGuest(event._id, "Offline Olga"));
      expect(joined.status).toBe(201);
      pusherServer().setFault(null);
      await ageActivity(event._id);
      await joinAsGuest(event._id, "Next Nia").expect(201);
      expect(publishedSeqs(event._id)).toEqual([
        ["participant-joined", 1],
        ["participant-joined", 2],
      ]);

      pusherServer().setFault(fault);
      const started = await timed(() => transition(host, event._id, "start"));
      expect(started.status).toBe(200);
      expect(started.body.event).toMatchObject({ state: "active", currentState: "In Progress" });
      pusherServer().setFault(null);
      await ageActivity(event._id);
      const ended = await transition(host, event._id, "end").expect(200);
      expect(ended.body.event).toMatchObject({ state: "ended", currentState: "Completed" });

      await outlastStall(fault);
      expect(publishedSeqs(event._id)).toEqual([
        ["participant-joined", 1],
        ["participant-joined", 2],
        ["event-started", 3],
        ["event", 4],
        ["event-ended", 5],
        ["event", 6],
      ]);
      expect(publishedTo(event._id)[0]?.data).toEqual({
        participantId: joined.body.participant._id,
        name: "Offline Olga",
        seq: 1,
      });
      expect((await storedActivity(event._id)).map((entry) => entry.sent)).toEqual(Array(6).fill(true));
    },
  );

  it.each(faults)(
    "Pusher %s: join, start and end all kept; the cron delivers them once due, once",
    async (_label, fault) => {
      vi.spyOn(console, "error").mockImplementation(() => undefined);
      const host = await createHost();
      const event = await createEvent(host);

      pusherServer().setFault(fault);
      const joined = await timed(() => joinAsGuest(event._id, "Stalled Stan"));
      const started = await timed(() => transition(host, event._id, "start"));
      const ended = await timed(() => transition(host, event._id, "end"));
      expect([joined.status, started.status, ended.status]).toEqual([201, 200, 200]);
      pusherServer().setFault(null);

      // Read past the API: a GET of the event would deliver what is due itself (tests/heal.test.ts).
      const stored = await Event.findById(event._id).lean();
      expect(stored).toMatchObject({ currentState: "ended", participantCount: 1 });
      expect(publishedTo(event._id)).toEqual([]);

      if (fault?.kind === "delay") {
        // Timed out: they may still be in flight, so they wait out the retry delay.
        expect((await runCron()).body).toMatchObject({ published: 0 });
        await ageActivity(event._id);
      }
      // Refused outright: due at once.
      expect((await runCron()).body).toMatchObject({ published: 5 });
      expect((await runCron()).body).toMatchObject({ published: 0 });

      await outlastStall(fault);
      expect(publishedSeqs(event._id)).toEqual([
        ["participant-joined", 1],
        ["event-started", 2],
        ["event", 3],
        ["event-ended", 4],
        ["event", 5],
      ]);
      expectEachSeqOnce(event._id, 5);
      expect((await storedActivity(event._id)).map((entry) => entry.sent)).toEqual(Array(5).fill(true));
    },
  );
});

describe("process dying between write and publish", () => {
  // A transition stores no seq and counts no write in flight (issue 21: 2 commands), so a function
  // that dies after it leaves only the state and its timestamp: the cron's check of recent
  // transitions finds it against the log, and the repair announces it again under new seqs (the
  // seqs it took first become gaps). Its time is set back past RETRY_AFTER_MS, as a quiet event's.
  it("GET /api/cron/publish-pending – publishes a start and an end whose functions died after their write", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    await startEvent(host, event._id);
    expect(publishedSeqs(event._id)).toEqual([
      ["event-started", 1],
      ["event", 2],
    ]);

    // The end as transitionEvent writes it, then nothing: the function died before publishing.
    const endedAt = new Date(Date.now() - RETRY_AFTER_MS - 1_000);
    const ended = await Event.findOneAndUpdate(
      { _id: event._id, createdBy: new mongoose.Types.ObjectId(host.userId), currentState: "active" },
      { $set: { currentState: "ended", endedAt }, $inc: { lastSeq: 2 } },
      { returnDocument: "after" },
    ).lean();
    expect(ended).toMatchObject({ currentState: "ended", lastSeq: 4, inFlight: 0 });

    await ageActivity(event._id);
    expect((await runCron()).body).toMatchObject({ repaired: 1, published: 2 });
    expect(publishedTo(event._id)).toEqual([
      expect.objectContaining({ name: "event-started" }),
      expect.objectContaining({ name: "event" }),
      {
        name: "event-ended",
        data: { eventId: event._id, state: "ended", endedAt: endedAt.toISOString(), seq: 5 },
      },
      { name: "event", data: { status: "Completed", seq: 6 } },
    ]);
    expect(await Event.findById(event._id).lean()).toMatchObject({ lastSeq: 6, seqGaps: 2, inFlight: 0 });
    expect((await runCron()).body).toMatchObject({ repaired: 0, published: 0 });
    expect(publishedSeqs(event._id).map(([, seq]) => seq)).toEqual([1, 2, 5, 6]);
  });

  it("GET /api/cron/publish-pending – publishes a start that died unpublished, after a join that went out", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const startedAt = new Date(Date.now() - RETRY_AFTER_MS - 1_000);
    // The start as transitionEvent writes it (event-started and the apps' event take seqs 1 and
    // 2), then nothing: the function died before publishing.
    await Event.updateOne(
      { _id: event._id, currentState: "pending" },
      { $set: { currentState: "active", startedAt }, $inc: { lastSeq: 2 } },
    );

    // The next join publishes only itself: nothing says the start is missing until the cron looks.
    await joinAsGuest(event._id, "Late Lou").expect(201);
    expect(publishedSeqs(event._id)).toEqual([["participant-joined", 3]]);
    await ageActivity(event._id);
    expect((await runCron()).body).toMatchObject({ repaired: 1, published: 2 });
    expect(publishedSeqs(event._id)).toEqual([
      ["participant-joined", 3],
      ["event-started", 4],
      ["event", 5],
    ]);
    expect((await runCron()).body).toMatchObject({ repaired: 0, published: 0 });
    expect((await storedActivity(event._id)).map((entry) => [entry.event, entry.seq, entry.sent])).toEqual([
      ["participant-joined", 3, true],
      ["event-started", 4, true],
      ["event", 5, true],
    ]);
  });

  it("GET /api/cron/publish-pending – a start the log lacks after an end that went out is not announced again", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const at = new Date(Date.now() - RETRY_AFTER_MS - 1_000);
    // A start whose function died, then an end that went out: the end says the state already, and
    // a start sent after it would take a client applying seqs in order back to active.
    await Event.updateOne(
      { _id: event._id, currentState: "pending" },
      { $set: { currentState: "active", startedAt: at }, $inc: { lastSeq: 2 } },
    );
    await api()
      .post(`/api/events/${event._id}/end`)
      .set(...bearer(host.token))
      .expect(200);
    expect(publishedSeqs(event._id)).toEqual([
      ["event-ended", 3],
      ["event", 4],
    ]);
    await ageActivity(event._id);
    await Event.updateOne({ _id: event._id }, { $set: { endedAt: at } }, { timestamps: false });
    expect((await runCron()).body).toMatchObject({ repaired: 0, published: 0 });
    expect(await Event.findById(event._id).lean()).toMatchObject({ lastSeq: 4, inFlight: 0 });
  });
});
