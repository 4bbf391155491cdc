import mongoose from "mongoose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ActivityEntry } from "../src/models/activity-entry";
import { Event } from "../src/models/event";
import { ageActivity } from "./support/activity";
import { api, createEvent, createHost, joinAsGuest, publishedTo, pusherServer } from "./support/harness";

// Finding 7 of issue 13: a missed realtime event was published 2–4 times by 20 concurrent writes,
// 5 times by 5 concurrent crons, up to 10 times by both. A re-sender now claims an entry (one
// conditional update) before publishing it, so each missed seq goes out once.

afterEach(() => {
  pusherServer().setFault(null);
  vi.restoreAllMocks();
});

const WRITERS = 20;
const CRONS = 5;
const MISSED = 3;

function runCron() {
  return api().get("/api/cron/publish-pending").set("Authorization", "Bearer test-cron-secret-of-at-least-32-chars");
}

/** How many times each of seqs 1..count reached Pusher. */
function timesPublished(eventId: string, count: number): number[] {
  const seqs = publishedTo(eventId).map((message) => Number(message.data.seq));
  return Array.from({ length: count }, (_, i) => seqs.filter((seq) => seq === i + 1).length);
}

function report(label: string, counts: number[]): void {
  process.stdout.write(`re-sends ${label}: times each missed seq went out = [${counts.join(", ")}]\n`);
}

/** An event whose first MISSED joins Pusher refused, aged past any retry delay. */
async function eventWithMissedJoins(): Promise<string> {
  const host = await createHost();
  const event = await createEvent(host);
  pusherServer().setFault({ kind: "status", status: 500 });
  for (let i = 0; i < MISSED; i++) await joinAsGuest(event._id, `Missed ${i}`).expect(201);
  pusherServer().setFault(null);
  expect(publishedTo(event._id)).toEqual([]);
  await ageActivity(event._id);
  return event._id;
}

describe("each missed realtime event re-sent once", () => {
  it(`${WRITERS} concurrent joins and ${CRONS} concurrent crons publish each missed seq once`, async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const eventId = await eventWithMissedJoins();

    const writes = Array.from({ length: WRITERS }, (_, i) => joinAsGuest(eventId, `Writer ${i}`));
    const crons = Array.from({ length: CRONS }, () => runCron());
    const answers = await Promise.all([...writes, ...crons]);
    expect(answers.map((res) => res.status)).toEqual([...Array(WRITERS).fill(201), ...Array(CRONS).fill(200)]);

    const counts = timesPublished(eventId, MISSED + WRITERS);
    report(`${WRITERS} writers + ${CRONS} crons`, counts.slice(0, MISSED));
    expect(counts).toEqual(Array(MISSED + WRITERS).fill(1));
    const unsent = await ActivityEntry.countDocuments({ eventId: new mongoose.Types.ObjectId(eventId), sent: false });
    expect(unsent).toBe(0);
  });

  it(`${WRITERS} concurrent joins alone publish each missed seq once`, async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const eventId = await eventWithMissedJoins();

    const answers = await Promise.all(Array.from({ length: WRITERS }, (_, i) => joinAsGuest(eventId, `Writer ${i}`)));
    expect(answers.map((res) => res.status)).toEqual(Array(WRITERS).fill(201));

    const counts = timesPublished(eventId, MISSED + WRITERS);
    report(`${WRITERS} writers`, counts.slice(0, MISSED));
    expect(counts).toEqual(Array(MISSED + WRITERS).fill(1));
  });

  it(`${CRONS} concurrent crons publish each missed seq once, refused or rebuilt`, async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const eventId = await eventWithMissedJoins();
    // And one join whose function died before logging it (Pusher was down too): only the audit
    // can rebuild that entry.
    const _id = new mongoose.Types.ObjectId(eventId);
    pusherServer().setFault({ kind: "status", status: 500 });
    await joinAsGuest(eventId, "Unlogged Uma").expect(201);
    pusherServer().setFault(null);
    await ActivityEntry.deleteOne({ eventId: _id, seq: MISSED + 1 });
    await Event.updateOne({ _id }, { $inc: { inFlight: 1 } });
    await ageActivity(eventId);
    expect(publishedTo(eventId)).toEqual([]);

    const answers = await Promise.all(Array.from({ length: CRONS }, () => runCron()));
    const counts = timesPublished(eventId, MISSED + 1);
    report(`${CRONS} crons (the last seq rebuilt by the audit)`, counts);
    expect(answers.map((res) => res.status)).toEqual(Array(CRONS).fill(200));
    expect(answers.reduce((sum, res) => sum + res.body.published, 0)).toBe(MISSED + 1);
    expect(counts).toEqual(Array(MISSED + 1).fill(1));
  });
});
