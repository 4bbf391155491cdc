import mongoose from "mongoose";
import { afterAll, describe, expect, it, vi } from "vitest";
import { api, bearer, createEvent, createHost, expectError, type TestUser } from "./support/harness";

// This file runs with 4-digit codes, the length the Shatter app's QR scanner accepts. The env is
// read when the first request (or import) loads src/, after this line: src/ is imported lazily here.
vi.stubEnv("JOIN_CODE_DIGITS", "4");
afterAll(() => {
  vi.unstubAllEnvs();
});

function events() {
  const collection = mongoose.connection.db?.collection("events");
  if (!collection) throw new Error("no database connection");
  return collection;
}

async function endEvent(host: TestUser, eventId: string) {
  await api()
    .post(`/api/events/${eventId}/start`)
    .set(...bearer(host.token))
    .expect(200);
  await api()
    .post(`/api/events/${eventId}/end`)
    .set(...bearer(host.token))
    .expect(200);
}

describe("join codes", () => {
  it("newJoinCode – draws codes of the given length, leading zeros kept", async () => {
    const { newJoinCode } = await import("../src/events/join-codes");
    const codes = Array.from({ length: 2000 }, () => newJoinCode(4));
    for (const code of codes) expect(code).toMatch(/^[0-9]{4}$/);
    expect(codes.some((code) => code.startsWith("0"))).toBe(true);
    expect(newJoinCode(8)).toMatch(/^[0-9]{8}$/);
  });

  it("POST /api/events/createEvent – with JOIN_CODE_DIGITS=4 the code is what the app's QR scanner accepts", async () => {
    const host = await createHost();
    const created = await Promise.all(Array.from({ length: 5 }, () => createEvent(host)));
    for (const event of created) expect(event.joinCode).toMatch(/^[0-9]{4}$/);
    expect(new Set(created.map((event) => event.joinCode)).size).toBe(created.length);
    const first = created[0] as (typeof created)[number];
    const byCode = await api().get(`/api/events/event/${first.joinCode}`).expect(200);
    expect(byCode.body.event).toMatchObject({ _id: first._id, joinCode: first.joinCode, currentState: "Upcoming" });
  });

  it("a code is unique among events that have not ended and free again once its event ends", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const twin = { name: "Twin", joinCode: event.joinCode, joinCodeKey: event.joinCode };
    await expect(events().insertOne({ ...twin })).rejects.toMatchObject({ code: 11000 });

    await endEvent(host, event._id);
    const stored = await events().findOne({ _id: new mongoose.Types.ObjectId(event._id) });
    expect(stored).toMatchObject({ joinCode: event.joinCode, joinCodeKey: `released:${event._id}` });
    const inserted = await events().insertOne({ ...twin });
    await events().deleteOne({ _id: inserted.insertedId });
  });

  it("GET /api/events/event/:joinCode – a reused code finds the event that has not ended; an ended one is still found as Completed", async () => {
    const host = await createHost();
    const old = await createEvent(host, { name: "Last week" });
    await endEvent(host, old._id);
    const ended = await api().get(`/api/events/event/${old.joinCode}`).expect(200);
    expect(ended.body.event).toMatchObject({ _id: old._id, state: "ended", currentState: "Completed" });

    // A new event that drew the released code, as createEvent stores it.
    const current = await createEvent(host, { name: "Tonight" });
    await events().updateOne(
      { _id: new mongoose.Types.ObjectId(current._id) },
      { $set: { joinCode: old.joinCode, joinCodeKey: old.joinCode } },
    );
    const res = await api().get(`/api/events/event/${old.joinCode}`).expect(200);
    expect(res.body.event).toMatchObject({ _id: current._id, name: "Tonight", currentState: "Upcoming" });
  });

  it("GET /api/events/event/:joinCode – codes of 4 to 8 digits are looked up; others are a 400 on path joinCode", async () => {
    expectError(await api().get("/api/events/event/0000"), 404, "not_found");
    expectError(await api().get("/api/events/event/00000000"), 404, "not_found");
    for (const code of ["123", "123456789", "12a4"]) {
      const res = await api().get(`/api/events/event/${code}`);
      expectError(res, 400, "invalid_input");
      expect(res.body.issues.map((issue: { path: string }) => issue.path)).toEqual(["joinCode"]);
    }
  });
});
