import mongoose from "mongoose";
import { afterEach, describe, expect, it } from "vitest";
import { joinEvent } from "../src/events/join-event";
import { Event } from "../src/models/event";
import { RETRY_AFTER_MS } from "../src/realtime/resend";
import { ageActivity, storedActivity } from "./support/activity";
import {
  api,
  createEvent,
  createHost,
  expectError,
  joinAsGuest,
  newObjectId,
  publishedTo,
  pusherServer,
  startEvent,
} from "./support/harness";

// The activity log: every change stores the seq it announces, is published, then written to the
// log with whether Pusher took it; what Pusher refused goes out with the next write or the cron,
// and the cron's audit repairs what a function that died between two steps left behind.

afterEach(() => pusherServer().setFault(null));

function runCron() {
  return api()
    .get("/api/cron/publish-pending")
    .set("Authorization", "Bearer test-cron-secret-of-at-least-32-chars")
    .expect(200);
}

describe("GET /api/events/:eventId/activity", () => {
  it("GET /api/events/:eventId/activity – lists what was published, in order, with the same seq", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    await joinAsGuest(event._id, "Ada").expect(201);
    await joinAsGuest(event._id, "Grace").expect(201);
    await startEvent(host, event._id);

    const res = await api().get(`/api/events/${event._id}/activity`).expect(200);
    expect(res.body).toEqual({
      success: true,
      lastSeq: 4,
      hasMore: false,
      activity: [
        {
          seq: 1,
          event: "participant-joined",
          data: expect.objectContaining({ name: "Ada", seq: 1 }),
          at: expect.any(String),
        },
        {
          seq: 2,
          event: "participant-joined",
          data: expect.objectContaining({ name: "Grace", seq: 2 }),
          at: expect.any(String),
        },
        {
          seq: 3,
          event: "event-started",
          data: expect.objectContaining({ state: "active", seq: 3 }),
          at: expect.any(String),
        },
        { seq: 4, event: "event", data: { status: "In Progress", seq: 4 }, at: expect.any(String) },
      ],
    });
    expect(res.body.activity.map((entry: { data: unknown }) => entry.data)).toEqual(
      publishedTo(event._id).map((message) => message.data),
    );
  });

  it("GET /api/events/:eventId/activity?after=1&limit=1 – pages after a seq", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    for (const name of ["A", "B", "C"]) await joinAsGuest(event._id, name).expect(201);

    const page = await api().get(`/api/events/${event._id}/activity?after=1&limit=1`).expect(200);
    expect(page.body.activity.map((entry: { seq: number }) => entry.seq)).toEqual([2]);
    expect(page.body).toMatchObject({ lastSeq: 3, hasMore: true });
    const rest = await api().get(`/api/events/${event._id}/activity?after=2`).expect(200);
    expect(rest.body.activity.map((entry: { data: { name: string } }) => entry.data.name)).toEqual(["C"]);
    expect(rest.body.hasMore).toBe(false);
  });

  it("GET /api/events/:eventId/activity – a bad `after` is a 400, an unknown event a 404", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    expectError(await api().get(`/api/events/${event._id}/activity?after=-1`), 400, "invalid_input");
    expectError(await api().get(`/api/events/${event._id}/activity?limit=1000`), 400, "invalid_input");
    expectError(await api().get(`/api/events/${newObjectId()}/activity`), 404, "not_found");
  });
});

describe("realtime that survives outages", () => {
  it("20 concurrent joins get distinct, gap-free seq numbers, each published once", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => joinAsGuest(event._id, `Guest ${i}`)));
    expect(results.map((res) => res.status)).toEqual(Array(20).fill(201));

    const seqs = publishedTo(event._id).map((message) => message.data.seq);
    expect([...seqs].sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it("Pusher answering 500: the join is kept, and the next write to the event publishes it with its seq", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    pusherServer().setFault({ kind: "status", status: 500 });
    const lost = await joinAsGuest(event._id, "Offline Olga").expect(201);
    expect(publishedTo(event._id)).toEqual([]);
    pusherServer().setFault(null);

    await ageActivity(event._id);
    await joinAsGuest(event._id, "Next Nia").expect(201);
    expect(publishedTo(event._id)).toEqual([
      { name: "participant-joined", data: { participantId: lost.body.participant._id, name: "Offline Olga", seq: 1 } },
      { name: "participant-joined", data: expect.objectContaining({ name: "Next Nia", seq: 2 }) },
    ]);
    const stored = await storedActivity(event._id);
    expect(stored.map((entry) => entry.sent)).toEqual([true, true]);
  });

  it("Pusher answering 500: the very next write re-sends the refused entry at once, once", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    pusherServer().setFault({ kind: "status", status: 500 });
    await joinAsGuest(event._id, "Refused Rae").expect(201);
    pusherServer().setFault(null);

    await joinAsGuest(event._id, "Second Sol").expect(201);
    await joinAsGuest(event._id, "Third Tia").expect(201);
    expect(publishedTo(event._id).map((message) => [message.data.name, message.data.seq])).toEqual([
      ["Refused Rae", 1],
      ["Second Sol", 2],
      ["Third Tia", 3],
    ]);
    expect((await storedActivity(event._id)).map((entry) => entry.sent)).toEqual([true, true, true]);
  });

  it("Pusher timing out: the entry may still arrive, so it waits out the retry delay before a re-send", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    pusherServer().setFault({ kind: "delay", ms: 1_500 });
    await joinAsGuest(event._id, "Stalled Stu").expect(201);
    pusherServer().setFault(null);

    await joinAsGuest(event._id, "Second Sol").expect(201);
    expect(publishedTo(event._id).map((message) => message.data.name)).not.toContain("Stalled Stu");
    const [stalled] = await storedActivity(event._id);
    expect(stalled).toMatchObject({ seq: 1, sent: false });
    expect(new Date(stalled?.dueAt ?? 0).getTime()).toBeGreaterThan(Date.now() + RETRY_AFTER_MS - 10_000);

    await ageActivity(event._id);
    await joinAsGuest(event._id, "Third Tia").expect(201);
    expect(publishedTo(event._id).filter((message) => message.data.name === "Stalled Stu")).toHaveLength(1);
  });
});

describe("GET /api/cron/publish-pending", () => {
  it("GET /api/cron/publish-pending – without the cron secret is a 401", async () => {
    expectError(await api().get("/api/cron/publish-pending"), 401, "unauthorized");
    expectError(await api().get("/api/cron/publish-pending").set("Authorization", "Bearer nope"), 401, "unauthorized");
  });

  it("GET /api/cron/publish-pending – publishes what a function that died after its write never sent", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    // The write as a join makes it, then no publish: as if the function had died right after.
    const result = await joinEvent(event._id, { _id: new mongoose.Types.ObjectId() }, "Crashed Cleo");
    expect(result.created).toBe(true);
    expect(publishedTo(event._id)).toEqual([]);

    await ageActivity(event._id);
    const res = await api()
      .get("/api/cron/publish-pending")
      .set("Authorization", "Bearer test-cron-secret-of-at-least-32-chars")
      .expect(200);
    expect(res.body).toMatchObject({ success: true, published: 1 });
    expect(publishedTo(event._id)).toEqual([
      {
        name: "participant-joined",
        data: { participantId: result.participant._id.toHexString(), name: "Crashed Cleo", seq: 1 },
      },
    ]);

    await api()
      .get("/api/cron/publish-pending")
      .set("Authorization", "Bearer test-cron-secret-of-at-least-32-chars")
      .expect(200);
    expect(publishedTo(event._id)).toHaveLength(1);
  });

  it("GET /api/cron/publish-pending – gives back a seat a join took before its function died", async () => {
    const host = await createHost();
    const event = await createEvent(host, { maxParticipant: 2 });
    // Step 1 of a join as joinEvent does it, then nothing: the participant is never written.
    const taken = await Event.findOneAndUpdate(
      { _id: event._id, currentState: { $ne: "ended" }, openSeats: { $gt: 0 } },
      { $inc: { openSeats: -1, participantCount: 1, lastSeq: 1, inFlight: 1 } },
      { returnDocument: "after" },
    ).lean();
    expect(taken).toMatchObject({ openSeats: 1, participantCount: 1, lastSeq: 1 });
    const first = await joinAsGuest(event._id, "First Fran").expect(201);
    expectError(await joinAsGuest(event._id, "Shut-out Sid"), 400, "event_full");

    // Young: a join may still be running, so the audit leaves the event alone.
    await runCron();
    expect((await api().get(`/api/events/${event._id}`).expect(200)).body.event.participantCount).toBe(2);

    await ageActivity(event._id);
    await runCron();
    const audited = await api().get(`/api/events/${event._id}`).expect(200);
    expect(audited.body.event).toMatchObject({
      participantCount: 1,
      participantIds: [{ _id: first.body.participant._id, name: "First Fran", userId: first.body.userId }],
    });
    const second = await joinAsGuest(event._id, "Second Sid").expect(201);
    expectError(await joinAsGuest(event._id, "Third Theo"), 400, "event_full");

    // The abandoned seq 1 stays a gap: never published, never reused.
    expect(publishedTo(event._id)).toEqual([
      { name: "participant-joined", data: { participantId: first.body.participant._id, name: "First Fran", seq: 2 } },
      { name: "participant-joined", data: { participantId: second.body.participant._id, name: "Second Sid", seq: 3 } },
    ]);
    const page = await api().get(`/api/events/${event._id}/activity`).expect(200);
    expect(page.body).toMatchObject({ lastSeq: 3, hasMore: false });
    expect(page.body.activity.map((entry: { seq: number }) => entry.seq)).toEqual([2, 3]);
  });
});
