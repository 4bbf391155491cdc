import mongoose from "mongoose";
import { describe, expect, it } from "vitest";
import { env } from "../src/env";
import { auditEvents } from "../src/jobs/audit";
import { FIRST_BATCH, REPAIRS_PER_RUN } from "../src/jobs/heal";
import type { EventDoc } from "../src/models/event";
import { ageActivity } from "./support/activity";
import { healthyEvent, REPAIRED_SEED, seedCutEvents } from "./support/cut-events";
import { api, joinAsGuest } from "./support/harness";
import { realDatabase } from "./support/proxied-database";

// Issue 17's backstop under the DEFAULT request budget (REQUEST_BUDGET_MS, 8 s; nothing here
// raises it): the cron repairs cut events in batches whose cost in database commands does not grow
// with their size (jobs/heal.ts drainRepairs), so a backlog of 1,000 drains in a number of runs
// fixed by REPAIRS_PER_RUN, and five runs at once share it, each answering 200 within the budget.
// FerretDB, the test database, scans the events collection for every filter but `_id`, which is
// why the commands per batch, not per event, decide whether a run fits.
const realDb = await realDatabase();

const CRON_AUTH = "Bearer test-cron-secret-of-at-least-32-chars";
const BACKLOG = 1_000;
const CONCURRENT_BACKLOG = 300;
// The figure: where a run finishes its REPAIRS_PER_RUN within half the budget (MongoDB, ~10
// commands a batch), exactly RUNS; fewer cannot drain it. A run always finishes its first batch, so
// on any database it takes at most MAX_RUNS. FerretDB, the test database, writes each document an
// update changes for ~20 ms, so there the time, not the cap, ends a run: the test holds the count
// between the two and prints it.
const RUNS = Math.ceil(BACKLOG / REPAIRS_PER_RUN);
const MAX_RUNS = Math.ceil(BACKLOG / FIRST_BATCH);

async function cron(): Promise<{ status: number; body: { repaired: number; repairsLeft: number }; ms: number }> {
  const started = performance.now();
  const res = await api().get("/api/cron/publish-pending").set("Authorization", CRON_AUTH);
  return { status: res.status, body: res.body, ms: Math.round(performance.now() - started) };
}

async function repairedOf(seeded: readonly mongoose.Types.ObjectId[]): Promise<string[]> {
  const done = await realDb
    .collection("events")
    .find({ _id: { $in: [...seeded] }, inFlight: 0 }, { projection: { _id: 1 } })
    .toArray();
  return done.map((event) => String(event._id)).sort();
}

describe("the cron's repair backlog (issue 17), default budget", () => {
  it(`GET /api/cron/publish-pending – a backlog of ${BACKLOG} cut events drains in ${RUNS} runs of ${REPAIRS_PER_RUN} (at most ${MAX_RUNS}), oldest first, each 200 within the budget; a healthy event is never queued`, async () => {
    expect(env.REQUEST_BUDGET_MS).toBe(8_000);
    const { eventId: healthyId } = await healthyEvent();
    await ageActivity(healthyId);
    const seeded = await seedCutEvents(realDb, BACKLOG);
    console.log(
      `heal – a backlog of ${BACKLOG} cut events drains in ${RUNS} cron runs (${REPAIRS_PER_RUN} per run), at most ${MAX_RUNS} on a database where a run fits only its first batch of ${FIRST_BATCH}`,
    );

    const runs: { status: number; repaired: number; repairsLeft: number; ms: number }[] = [];
    let total = 0;
    while (runs.length < MAX_RUNS) {
      const { status, body, ms } = await cron();
      runs.push({ status, repaired: body.repaired, repairsLeft: body.repairsLeft, ms });
      expect(status).toBe(200);
      expect(ms).toBeLessThan(env.REQUEST_BUDGET_MS);
      // The queue was exactly the seeded events (the healthy one is not among them).
      expect(body.repaired + body.repairsLeft).toBe(BACKLOG - total);
      expect(body.repaired).toBeGreaterThanOrEqual(Math.min(FIRST_BATCH, BACKLOG - total));
      expect(body.repaired).toBeLessThanOrEqual(REPAIRS_PER_RUN);
      total += body.repaired;
      // Oldest first: the runs so far repaired exactly the oldest `total`.
      expect(await repairedOf(seeded)).toEqual(seeded.slice(0, total).map(String).sort());
      if (body.repairsLeft === 0) break;
    }
    console.log(`heal – drained in ${runs.length} runs: ${JSON.stringify(runs)}`);
    expect(runs.length).toBeGreaterThanOrEqual(RUNS);
    expect(runs.length).toBeLessThanOrEqual(MAX_RUNS);
    expect(total).toBe(BACKLOG);
    const stored = await realDb
      .collection("events")
      .find({ _id: { $in: seeded } })
      .toArray();
    for (const event of stored) expect(event).toMatchObject(REPAIRED_SEED);
    const healthy = await realDb.collection("events").findOne({ _id: new mongoose.Types.ObjectId(healthyId) });
    expect(healthy).toMatchObject({
      inFlight: 0,
      participantCount: 2,
      lastSeq: 7,
      seqGaps: 1,
      repairClaimedUntil: null,
    });
    expect(healthy?.repairClaim ?? null).toBeNull();
    await realDb.collection("events").deleteMany({ _id: { $in: seeded } });
  }, 400_000);

  it(`GET /api/cron/publish-pending – five concurrent runs on a backlog of ${CONCURRENT_BACKLOG} all answer 200 within the default budget and share it: no event repaired twice`, async () => {
    const seeded = await seedCutEvents(realDb, CONCURRENT_BACKLOG);
    const answers = await Promise.all(Array.from({ length: 5 }, () => cron()));
    console.log(
      `heal – 5 concurrent crons: ${JSON.stringify(answers.map(({ status, body, ms }) => ({ status, repaired: body.repaired, repairsLeft: body.repairsLeft, ms })))}`,
    );
    for (const { status, ms } of answers) {
      expect(status).toBe(200);
      expect(ms).toBeLessThan(env.REQUEST_BUDGET_MS);
    }
    // Each event claimed by one run only: the runs' counts add up to the events repaired.
    const repaired = answers.reduce((sum, { body }) => sum + body.repaired, 0);
    expect(repaired).toBe((await repairedOf(seeded)).length);
    // Runs that lost their candidates to another read the next ones: more than one run repaired.
    // (Together they do no more than one run would: the database serves their commands in turn.)
    expect(repaired).toBeGreaterThanOrEqual(FIRST_BATCH);
    expect(answers.filter(({ body }) => body.repaired > 0).length).toBeGreaterThan(1);
    await realDb.collection("events").deleteMany({ _id: { $in: seeded } });
  }, 120_000);

  it("a batch whose event got a write after the batch read it leaves that event to its next repair, and settles the others", async () => {
    const [written, untouched] = (await seedCutEvents(realDb, 2)) as [mongoose.Types.ObjectId, mongoose.Types.ObjectId];
    const batch = (await realDb
      .collection("events")
      .find({ _id: { $in: [written, untouched] } })
      .toArray()) as unknown as EventDoc[];
    // A join lands on the first one meanwhile: a real seat, its participant, its log entry.
    await joinAsGuest(String(written), "Late Lou").expect(201);
    await auditEvents(batch, Date.now());
    const [after, settled] = await Promise.all([
      realDb.collection("events").findOne({ _id: written }),
      realDb.collection("events").findOne({ _id: untouched }),
    ]);
    // The join's counters stand, still in flight from the cut write, for a later repair.
    expect(after).toMatchObject({ participantCount: 2, lastSeq: 2, inFlight: 1, seqGaps: 0 });
    expect(settled).toMatchObject(REPAIRED_SEED);
  });
});
