import { randomUUID } from "node:crypto";
import mongoose from "mongoose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Event } from "../src/models/event";
import { IdempotencyRecord } from "../src/models/idempotency-record";
import { Participant } from "../src/models/participant";
import { User } from "../src/models/user";
import {
  api,
  bearer,
  createEvent,
  createHost,
  createUser,
  expectError,
  newObjectId,
  pusherServer,
} from "./support/harness";

// Idempotency-Key on the routes that create things (docs/retries-and-idempotency.md): the same key and
// body gets the first answer again without a second write; another body is a 422; a retry while
// the first is in flight is a 503 busy with Retry-After.

afterEach(() => {
  pusherServer().setFault(null);
  vi.restoreAllMocks();
});

function guestJoin(eventId: string, key: string | undefined, body: object) {
  const req = api().post(`/api/events/${eventId}/join/guest`);
  return (key === undefined ? req : req.set("Idempotency-Key", key)).send(body);
}

function participantsOf(eventId: string) {
  return Participant.find({ eventId: new mongoose.Types.ObjectId(eventId) })
    .sort({ seq: 1 })
    .lean();
}

function uniqueEmail(): string {
  return `idem-${newObjectId()}@example.com`;
}

describe("Idempotency-Key", () => {
  it("POST /api/events/:eventId/join/guest – the same key and body answers the first answer again, one participant", async () => {
    const event = await createEvent(await createHost());
    const key = randomUUID();
    const first = await guestJoin(event._id, key, { name: "Wanda" });
    expect(first.status).toBe(201);
    const again = await guestJoin(event._id, key, { name: "Wanda" });

    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(first.headers["idempotent-replayed"]).toBeUndefined();
    expect((await participantsOf(event._id)).map((p) => p.name)).toEqual(["Wanda"]);
    expect((await Event.findById(event._id).lean())?.participantCount).toBe(1);
  });

  it("POST /api/events/:eventId/join/guest – without a key a retry is a second join (what the key is for)", async () => {
    const event = await createEvent(await createHost());
    await guestJoin(event._id, undefined, { name: "W43" }).expect(201);
    await guestJoin(event._id, undefined, { name: "W43" }).expect(201);
    expect((await participantsOf(event._id)).map((p) => p.name)).toEqual(["W43", "W43 (2)"]);
  });

  it("POST /api/events/:eventId/join/guest – the same key with another body is a 422 idempotency_key_reused", async () => {
    const event = await createEvent(await createHost());
    const key = randomUUID();
    await guestJoin(event._id, key, { name: "Wanda" }).expect(201);
    const res = await guestJoin(event._id, key, { name: "Walter" });

    expectError(res, 422, "idempotency_key_reused");
    expect((await participantsOf(event._id)).map((p) => p.name)).toEqual(["Wanda"]);
    // The same body for another event is another request too.
    const other = await createEvent(await createHost());
    expectError(await guestJoin(other._id, key, { name: "Wanda" }), 422, "idempotency_key_reused");
    expect(await participantsOf(other._id)).toEqual([]);
    // The same body with its keys in another order is the same request.
    await guestJoin(event._id, key, { title: "", name: "Wanda" }).expect(422);
    const reordered = await api()
      .post(`/api/events/${event._id}/join/guest`)
      .set("Idempotency-Key", key)
      .set("Content-Type", "application/json")
      .send('{ "name" : "Wanda" }');
    expect(reordered.status).toBe(201);
  });

  it("POST /api/events/:eventId/join/guest – a retry while the first is in flight is a 503 busy with Retry-After", async () => {
    const event = await createEvent(await createHost());
    const key = randomUUID();
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    // The first join waits for Pusher (PUSHER_TIMEOUT_MS is 1 s in the tests): in flight meanwhile.
    pusherServer().setFault({ kind: "delay", ms: 1_500 });
    const first = guestJoin(event._id, key, { name: "Slow Sue" }).then((res) => res);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const during = await guestJoin(event._id, key, { name: "Slow Sue" });

    expectError(during, 503, "busy");
    expect(Number(during.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect((await first).status).toBe(201);
    const after = await guestJoin(event._id, key, { name: "Slow Sue" });
    expect(after.status).toBe(201);
    expect(after.body).toEqual((await first).body);
    expect((await participantsOf(event._id)).map((p) => p.name)).toEqual(["Slow Sue"]);
  });

  it("POST /api/events/:eventId/join/guest – a refusal is answered again too; a malformed key is a 400", async () => {
    const event = await createEvent(await createHost(), { maxParticipant: 1 });
    await guestJoin(event._id, undefined, { name: "First" }).expect(201);
    const key = randomUUID();
    expectError(await guestJoin(event._id, key, { name: "Late Lu" }), 400, "event_full");
    expectError(await guestJoin(event._id, key, { name: "Late Lu" }), 400, "event_full");

    for (const bad of ["", "has space", "x".repeat(256), "é"]) {
      const res = await guestJoin(event._id, bad, { name: "Late Lu" });
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body).toEqual({
        success: false,
        code: "invalid_input",
        error: "The request is not valid.",
        issues: [{ path: "Idempotency-Key", message: "must be 1–255 visible ASCII characters, sent once" }],
        requestId: res.headers["x-request-id"],
      });
    }
  });

  it("POST /api/events/:eventId/join/user – keys are per caller: two users with one key both join", async () => {
    const event = await createEvent(await createHost());
    const [ada, bob] = [await createUser({ name: "Ada" }), await createUser({ name: "Bob" })];
    const key = "shared-key";
    const joinAs = (token: string) =>
      api()
        .post(`/api/events/${event._id}/join/user`)
        .set(...bearer(token))
        .set("Idempotency-Key", key)
        .send({});
    expect((await joinAs(ada.token)).status).toBe(201);
    expect((await joinAs(bob.token)).status).toBe(201);
    const again = await joinAs(ada.token);
    expect(again.status).toBe(201);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect((await participantsOf(event._id)).map((p) => p.name)).toEqual(["Ada", "Bob"]);
  });

  it("POST /api/auth/signup – the same key gives the same account and token; keys are per route", async () => {
    const key = randomUUID();
    const body = { name: "Sam Signup", email: uniqueEmail(), password: "correct horse battery" };
    const first = await api().post("/api/auth/signup").set("Idempotency-Key", key).send(body);
    expect(first.status).toBe(201);
    const again = await api().post("/api/auth/signup").set("Idempotency-Key", key).send(body);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await User.countDocuments({ emailKey: body.email })).toBe(1);
    // Without the key it is a new signup, refused: the email is taken.
    expectError(await api().post("/api/auth/signup").send(body), 409, "email_taken");

    // The same key on another route is another key.
    const event = await createEvent(await createHost());
    expect((await guestJoin(event._id, key, { name: "Other Route" })).status).toBe(201);
  });

  it("POST /api/events/createEvent – the same key gives the same event, stored once", async () => {
    const host = await createHost();
    const key = randomUUID();
    const create = () =>
      api()
        .post("/api/events/createEvent")
        .set(...bearer(host.token))
        .set("Idempotency-Key", key)
        .send({ name: "Mixer" });
    const first = await create();
    expect(first.status).toBe(201);
    const again = await create();
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await Event.countDocuments({ createdBy: new mongoose.Types.ObjectId(host.userId) })).toBe(1);
  });

  it("POST /api/events/:eventId/bingo – the same key answers the first mark again; another square is a 422", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const [mia, max] = [
      (await guestJoin(event._id, undefined, { name: "Mia" }).expect(201)).body,
      (await guestJoin(event._id, undefined, { name: "Max" }).expect(201)).body,
    ];
    await api()
      .post(`/api/events/${event._id}/start`)
      .set(...bearer(host.token))
      .expect(200);
    const key = randomUUID();
    const mark = (row: number) =>
      api()
        .post(`/api/events/${event._id}/bingo`)
        .set(...bearer(mia.token))
        .set("Idempotency-Key", key)
        .send({ row, col: 0, participantId: max.participant._id });
    const first = await mark(0);
    expect(first.status).toBe(200);
    const again = await mark(0);
    expect(again.body).toEqual(first.body);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expectError(await mark(1), 422, "idempotency_key_reused");
  });

  it("GET /api/cron/publish-pending – deletes keys past 24 h; the key then starts a new request", async () => {
    const event = await createEvent(await createHost());
    const key = randomUUID();
    const first = await guestJoin(event._id, key, { name: "Old Ola" }).expect(201);
    const past = new Date(Date.now() - 1_000);
    await IdempotencyRecord.updateMany({}, { $set: { expiresAt: past } });

    const cron = await api()
      .get("/api/cron/publish-pending")
      .set("Authorization", "Bearer test-cron-secret-of-at-least-32-chars")
      .expect(200);
    expect(cron.body.expiredIdempotencyKeys).toBeGreaterThanOrEqual(1);
    expect(await IdempotencyRecord.countDocuments({ expiresAt: { $lte: past } })).toBe(0);

    const anew = await guestJoin(event._id, key, { name: "Old Ola" });
    expect(anew.status).toBe(201);
    expect(anew.body.participant._id).not.toBe(first.body.participant._id);
  });
});
