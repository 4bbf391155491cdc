import { randomUUID } from "node:crypto";
import mongoose from "mongoose";
import type { Response } from "supertest";
import { describe, expect, it, vi } from "vitest";
import { createBingoEvent, MET_DURING_BINGO, type Player } from "./support/factories";
import { api, bearer, createEvent, createHost, expectError, newObjectId } from "./support/harness";
import { realDatabase, stopProxyAfterAll } from "./support/proxied-database";

// Finding 4 of issue 13: "Six joins were stored although the client got 503; the retry created a
// second participant". A guest join whose participant is stored but whose answer is lost to a cut
// connection; the client retries with the same Idempotency-Key and gets that participant.

const proxy = await vi.hoisted(async () =>
  (await import("./support/proxied-database")).proxyTheDatabase({ env: { DB_TIMEOUT_MS: "1000" } }),
);

const realDb = await realDatabase();
stopProxyAfterAll(proxy);

function guestJoin(eventId: string, key: string, name: string) {
  return api().post(`/api/events/${eventId}/join/guest`).set("Idempotency-Key", key).send({ name });
}

/** Retries as a client would: again after Retry-After while the answer is 503. */
async function retryUntilAnswered(send: () => PromiseLike<Response>): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const res = await send();
    if (res.status !== 503 || attempt >= 15) return res;
    await new Promise((resolve) => setTimeout(resolve, Number(res.headers["retry-after"] ?? 1) * 1000));
  }
}

describe("a guest join stored although its answer was a 503", () => {
  it("POST /api/events/:eventId/join/guest – the retry with the same Idempotency-Key gets the stored participant", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const event = await createEvent(await createHost());
    const name = `W${newObjectId().slice(-4)}`;
    const key = randomUUID();

    // The database runs the participant's insert, and the connection is cut before its reply.
    const fired = proxy.cutOn({ command: "insert", collection: "eventparticipants", at: "after" });
    const lost = await guestJoin(event._id, key, name);
    await fired;
    expectError(lost, 503, "database_unavailable");
    const stored = await realDb
      .collection("eventparticipants")
      .find({ eventId: new mongoose.Types.ObjectId(event._id) })
      .toArray();
    expect(stored.map((p) => p.name)).toEqual([name]);

    const retry = await retryUntilAnswered(() => guestJoin(event._id, key, name));
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({
      success: true,
      participant: { _id: String(stored[0]?._id), eventId: event._id, name, userId: String(stored[0]?.userId) },
      userId: String(stored[0]?.userId),
      token: expect.any(String),
      alreadyJoined: true,
    });
    const after = await realDb
      .collection("eventparticipants")
      .find({ eventId: new mongoose.Types.ObjectId(event._id) })
      .toArray();
    expect(after.map((p) => p.name)).toEqual([name]);
    expect(await realDb.collection("users").countDocuments({ name, authProvider: "guest" })).toBe(1);
    const stats = await api().get(`/api/events/${event._id}`).expect(200);
    expect(stats.body.event.participantCount).toBe(1);

    // And from then on the retry's answer is the one repeated, with a token signed afresh for the
    // same guest (answers are stored without their token).
    const again = await guestJoin(event._id, key, name);
    expect(again.body).toEqual({ ...retry.body, token: expect.any(String) });
    const me = await api()
      .get("/api/users/me")
      .set(...bearer(again.body.token))
      .expect(200);
    expect(me.body.user._id).toBe(retry.body.userId);
  });

  it("POST /api/participantConnections – a meeting stored although its 201 was lost: the retry with the same key gets that 201", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const { eventId, players } = await createBingoEvent(2);
    const [me, other] = players as [Player, Player];
    const key = randomUUID();
    const connect = () =>
      api()
        .post("/api/participantConnections")
        .set(...bearer(me.token))
        .set("Idempotency-Key", key)
        .send({
          _eventId: eventId,
          primaryParticipantId: me.participantId,
          secondaryParticipantId: other.participantId,
          description: MET_DURING_BINGO,
        });

    const fired = proxy.cutOn({ command: "insert", collection: "participantconnections", at: "after" });
    const lost = await connect();
    await fired;
    expectError(lost, 503, "database_unavailable");
    const stored = await realDb
      .collection("participantconnections")
      .find({ eventId: new mongoose.Types.ObjectId(eventId) })
      .toArray();
    expect(stored).toHaveLength(1);

    const retry = await retryUntilAnswered(connect);
    expect(retry.status).toBe(201);
    expect(retry.body.connection).toEqual({
      _id: String(stored[0]?._id),
      _eventId: eventId,
      primaryParticipantId: me.participantId,
      secondaryParticipantId: other.participantId,
      description: MET_DURING_BINGO,
      square: null,
      verified: false,
      createdAt: expect.any(String),
    });
    expect(
      await realDb
        .collection("participantconnections")
        .countDocuments({ eventId: new mongoose.Types.ObjectId(eventId) }),
    ).toBe(1);
    expect((await connect()).body).toEqual(retry.body);
  });
});
