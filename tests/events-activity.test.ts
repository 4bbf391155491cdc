import mongoose from "mongoose";
import { afterEach, describe, expect, it } from "vitest";
import { joinEvent } from "../src/events/join-event";
import { Event } from "../src/models/event";
import { RETRY_AFTER_MS } from "../src/realtime/activity";
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

// The activity log: every realtime event is recorded with its seq by the write it announces,
// then published, then marked sent; what Pusher refused goes out with the next write or the cron.

afterEach(() => pusherServer().setFault(null));

/** Makes every unsent entry of an event look older than the retry delay. */
async function ageActivity(eventId: string): Promise<void> {
  const event = await Event.findById(eventId).lean();
  const old = new Date(Date.now() - RETRY_AFTER_MS - 1_000);
  const set = Object.fromEntries((event?.activity ?? []).map((_, i) => [`activity.${i}.at`, old]));
  await Event.updateOne({ _id: eventId }, { $set: set });
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
    const stored = await Event.findById(event._id).lean();
    expect(stored?.activity.map((entry) => entry.sent)).toEqual([true, true]);
  });

  it("an unsent entry younger than the retry delay is left to the request that wrote it", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    pusherServer().setFault({ kind: "status", status: 500 });
    await joinAsGuest(event._id, "Fresh Fay").expect(201);
    pusherServer().setFault(null);

    await joinAsGuest(event._id, "Second Sol").expect(201);
    expect(publishedTo(event._id).map((message) => message.data.name)).toEqual(["Second Sol"]);
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
    const result = await joinEvent(event._id, new mongoose.Types.ObjectId(), "Crashed Cleo");
    expect(result.created).toBe(true);
    expect(publishedTo(event._id)).toEqual([]);

    await ageActivity(event._id);
    const res = await api()
      .get("/api/cron/publish-pending")
      .set("Authorization", "Bearer test-cron-secret")
      .expect(200);
    expect(res.body).toMatchObject({ success: true, published: 1 });
    expect(publishedTo(event._id)).toEqual([
      {
        name: "participant-joined",
        data: { participantId: result.participant._id.toHexString(), name: "Crashed Cleo", seq: 1 },
      },
    ]);

    await api().get("/api/cron/publish-pending").set("Authorization", "Bearer test-cron-secret").expect(200);
    expect(publishedTo(event._id)).toHaveLength(1);
  });
});
