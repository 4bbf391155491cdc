import { createHash, randomUUID } from "node:crypto";
import mongoose from "mongoose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { connectDatabase } from "../src/db/connection";
import { env } from "../src/env";
import { beginIdempotent } from "../src/http/idempotency";
import { Event } from "../src/models/event";
import { IdempotencyRecord } from "../src/models/idempotency-record";
import { Participant } from "../src/models/participant";
import { ParticipantConnection } from "../src/models/participant-connection";
import { User } from "../src/models/user";
import { createBingoEvent, MET_DURING_BINGO, type Player } from "./support/factories";
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

/**
 * A replayed answer that holds a token: the same body, and a token for the same account, kind,
 * version and expiry (a replay signs it afresh, since stored answers hold no token: its `iat` is
 * the replay's second, which may be the next one).
 */
function expectSameAnswerWithToken(again: { body: Record<string, unknown> }, first: { body: Record<string, unknown> }) {
  expect(again.body).toEqual({ ...first.body, token: expect.any(String) });
  const claims = (token: unknown) => {
    const { iat: _signedAt, ...rest } = JSON.parse(
      Buffer.from(String(token).split(".")[1] ?? "", "base64url").toString(),
    );
    return rest;
  };
  expect(claims(again.body.token)).toEqual(claims(first.body.token));
}

describe("Idempotency-Key", () => {
  it("POST /api/events/:eventId/join/guest – the same key and body answers the first answer again, one participant", async () => {
    const event = await createEvent(await createHost());
    const key = randomUUID();
    const first = await guestJoin(event._id, key, { name: "Wanda" });
    expect(first.status).toBe(201);
    const again = await guestJoin(event._id, key, { name: "Wanda" });

    expect(again.status).toBe(201);
    expectSameAnswerWithToken(again, first);
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
    expectSameAnswerWithToken(after, await first);
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

  it("POST /api/auth/signup – the same key gives the same account and a token for it; keys are per route", async () => {
    const key = randomUUID();
    const body = { name: "Sam Signup", email: uniqueEmail(), password: "correct horse battery" };
    const first = await api().post("/api/auth/signup").set("Idempotency-Key", key).send(body);
    expect(first.status).toBe(201);
    const again = await api().post("/api/auth/signup").set("Idempotency-Key", key).send(body);
    expect(again.status).toBe(201);
    expectSameAnswerWithToken(again, first);
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

  it("POST /api/events/:eventId/join/guest – keys are scoped by the concrete path: the same key on another event is another request", async () => {
    const [event, other] = [await createEvent(await createHost()), await createEvent(await createHost())];
    const key = randomUUID();
    const first = await guestJoin(event._id, key, { name: "Wanda" }).expect(201);
    const elsewhere = await guestJoin(other._id, key, { name: "Wanda" });

    expect(elsewhere.status).toBe(201);
    expect(elsewhere.headers["idempotent-replayed"]).toBeUndefined();
    expect(elsewhere.body.userId).not.toBe(first.body.userId);
    expect((await participantsOf(other._id)).map((p) => p.name)).toEqual(["Wanda"]);
  });

  it("POST /api/events/:eventId/join/guest – an anonymous key under 128 bits is a 400 naming the header; with a token any key goes", async () => {
    const event = await createEvent(await createHost());
    for (const weak of ["1733540000000", "guest-join-1", "a".repeat(21), "0123456789abcdef0123456"]) {
      const res = await guestJoin(event._id, weak, { name: "Weak Wes" });
      const strong = /^[A-Za-z0-9_-]{22,}$/.test(weak);
      if (strong) {
        expect(res.status, weak).toBe(201);
        continue;
      }
      expect(res.body, weak).toEqual({
        success: false,
        code: "invalid_input",
        error: "The request is not valid.",
        issues: [
          {
            path: "Idempotency-Key",
            message: "without a token it must be a UUID v4 or at least 22 URL-safe characters (128 bits)",
          },
        ],
        requestId: res.headers["x-request-id"],
      });
      expect(res.status).toBe(400);
    }
    expect((await participantsOf(event._id)).map((p) => p.name)).toEqual(["Weak Wes"]);
    const user = await createUser({ name: "Tokened Tia" });
    const joined = await api()
      .post(`/api/events/${event._id}/join/user`)
      .set(...bearer(user.token))
      .set("Idempotency-Key", "1733540000000")
      .send({});
    expect(joined.status).toBe(201);
  });

  it("POST /api/auth/signup – a database dump after a keyed signup and its replay holds neither the password, its SHA-256, nor any token", async () => {
    const key = randomUUID();
    const password = `pw-${randomUUID()}`;
    const body = { name: "Dana Dump", email: uniqueEmail(), password };
    const first = await api().post("/api/auth/signup").set("Idempotency-Key", key).send(body).expect(201);
    const again = await api().post("/api/auth/signup").set("Idempotency-Key", key).send(body).expect(201);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.body).toEqual({ ...first.body, token: expect.any(String) });
    // The replay's token is freshly signed for the same account, and works.
    const me = await api()
      .get("/api/users/me")
      .set(...bearer(again.body.token))
      .expect(200);
    expect(me.body.user._id).toBe(first.body.userId);
    const dump = await dumpDatabase();
    expect(dump).toContain(first.body.userId);
    const sha = (text: string) => createHash("sha256").update(text).digest("hex");
    const oldFingerprint = sha(
      `{"body":{"email":${JSON.stringify(body.email)},"name":"Dana Dump","password":${JSON.stringify(password)}},"params":{}}`,
    );
    for (const secret of [oldFingerprint, password, sha(password), first.body.token, again.body.token]) {
      expect(dump.includes(secret), secret.slice(0, 12)).toBe(false);
    }
    // The same key and account with another password is the same request (passwords are not fingerprinted).
    const otherPassword = await api()
      .post("/api/auth/signup")
      .set("Idempotency-Key", key)
      .send({ ...body, password: "another password entirely" });
    expect(otherPassword.status).toBe(201);

    const record = await IdempotencyRecord.findOne({ "token.userId": first.body.userId }).lean();
    expect(record?.token).toEqual({ userId: first.body.userId, kind: "user", version: 0, exp: expect.any(Number) });
    expect(JSON.parse(record?.response ?? "{}")).toEqual({
      success: true,
      message: "Account created.",
      userId: first.body.userId,
    });
  });

  it("POST /api/events/:eventId/join/guest and join/user – stored answers hold no token; a replay signs a fresh one for the same guest", async () => {
    const [event, next] = [await createEvent(await createHost()), await createEvent(await createHost())];
    const first = await guestJoin(event._id, randomUUID(), { name: "Gia" }).expect(201);
    const userKey = randomUUID();
    const joinNext = () =>
      api()
        .post(`/api/events/${next._id}/join/user`)
        .set(...bearer(first.body.token))
        .set("Idempotency-Key", userKey)
        .send({});
    const joined = await joinNext().expect(201);
    expect(joined.body.token).toEqual(expect.any(String));
    const replayed = await joinNext().expect(201);
    expect(replayed.headers["idempotent-replayed"]).toBe("true");
    expect(replayed.body).toEqual({ ...joined.body, token: expect.any(String) });
    for (const token of [first.body.token, replayed.body.token]) {
      const me = await api()
        .get("/api/users/me")
        .set(...bearer(token))
        .expect(200);
      expect(me.body.user._id).toBe(first.body.userId);
    }
    const dump = await dumpDatabase();
    for (const token of [first.body.token, joined.body.token, replayed.body.token]) expect(dump).not.toContain(token);
  });

  it("beginIdempotent – an attempt is in flight for REQUEST_BUDGET_MS, not a constant", async () => {
    await connectDatabase();
    const now = Date.now();
    const begun = await beginIdempotent({ route: "POST /api/test", caller: newObjectId() }, randomUUID(), {}, now);
    expect(begun.kind).toBe("run");
    const record = await IdempotencyRecord.findById((begun as { id: string }).id).lean();
    expect(record?.lockedUntil?.getTime()).toBe(now + env.REQUEST_BUDGET_MS);
    expect(env.REQUEST_BUDGET_MS).not.toBe(10_000);
  });

  it("POST /api/participantConnections – a retry after a lost 201 gets the same 201, for a meeting and for a square; another key is a 409", async () => {
    const { eventId, players } = await createBingoEvent(3);
    const [me, met, squared] = players as [Player, Player, Player];
    const connect = (key: string, other: Player, description: string) =>
      api()
        .post("/api/participantConnections")
        .set(...bearer(me.token))
        .set("Idempotency-Key", key)
        .send({
          _eventId: eventId,
          primaryParticipantId: me.participantId,
          secondaryParticipantId: other.participantId,
          description,
        });
    for (const [other, description] of [
      [met, MET_DURING_BINGO],
      [squared, "Find someone who knows square 0-0"],
    ] as const) {
      const key = randomUUID();
      const first = await connect(key, other, description).expect(201);
      // As if the answer was never recorded (the function died after its write): the key is free again.
      await forgetAnswers();
      const retry = await connect(key, other, description);
      expect(retry.status).toBe(201);
      expect(retry.headers["idempotent-replayed"]).toBeUndefined();
      expect(retry.body).toEqual(first.body);
      expect(
        await ParticipantConnection.countDocuments({
          primaryParticipantId: me.participantId,
          secondaryParticipantId: other.participantId,
        }),
      ).toBe(1);
      expectError(await connect(randomUUID(), other, description), 409, "already_connected");
    }
  });
});

/** Every collection of the test database, as JSON text. */
async function dumpDatabase(): Promise<string> {
  const db = mongoose.connection.db;
  if (!db) throw new Error("no database");
  const parts: string[] = [];
  for (const { name } of await db.listCollections().toArray()) {
    parts.push(name, JSON.stringify(await db.collection(name).find({}).toArray()));
  }
  return parts.join("\n");
}

/** Every key's answer forgotten and its lock lapsed, as after an attempt that died without recording. */
async function forgetAnswers(): Promise<void> {
  await IdempotencyRecord.updateMany({}, { $set: { status: null, response: null, token: null, lockedUntil: null } });
}
