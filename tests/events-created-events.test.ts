import { describe, expect, it } from "vitest";
import {
  api,
  bearer,
  countCommands,
  createEvent,
  createHost,
  createUser,
  expectError,
  joinAsGuest,
  newObjectId,
  type TestUser,
} from "./support/harness";

function listHosted(user: TestUser, query = "", userId = user.userId) {
  return api()
    .get(`/api/events/createdEvents/user/${userId}${query}`)
    .set(...bearer(user.token));
}

describe("GET /api/events/createdEvents/user/:userId", () => {
  it("GET /api/events/createdEvents/user/:userId – the events you host, newest first, in the dashboard's shape", async () => {
    const host = await createHost();
    const first = await createEvent(host, {
      name: "First",
      description: "Our first",
      startDate: "2026-12-01T18:00:00.000Z",
      endDate: "2026-12-01T21:00:00.000Z",
      maxParticipant: 30,
      currentState: "Upcoming",
      gameType: "Name Bingo",
    });
    const second = await createEvent(host, { name: "Second" });
    await createEvent(await createHost(), { name: "Someone else's" });
    const guest = await joinAsGuest(first._id, "Gus").expect(201);

    const res = await listHosted(host).expect(200);
    expect(res.body).toEqual({ success: true, events: [expect.any(Object), expect.any(Object)], nextCursor: null });
    expect(res.body.events[0]).toMatchObject({ _id: second._id, name: "Second", participantIds: [] });
    expect(res.body.events[1]).toEqual({
      _id: first._id,
      name: "First",
      description: "Our first",
      joinCode: first.joinCode,
      startDate: "2026-12-01T18:00:00.000Z",
      endDate: "2026-12-01T21:00:00.000Z",
      maxParticipant: 30,
      meetingProof: "claim",
      participantCount: 1,
      joinsLocked: false,
      guestsAllowed: true,
      state: "pending",
      currentState: "Upcoming",
      gameType: "Name Bingo",
      startedAt: null,
      endedAt: null,
      createdBy: host.userId,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      participantIds: [{ _id: guest.body.participant._id, name: "Gus", userId: guest.body.userId }],
    });
  });

  it("GET /api/events/createdEvents/user/:userId – the list follows the state in both vocabularies", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    await api()
      .put(`/api/events/${event._id}/status`)
      .set(...bearer(host.token))
      .send({ status: "In Progress" })
      .expect(200);
    const [listed] = (await listHosted(host).expect(200)).body.events;
    expect(listed).toMatchObject({ state: "active", currentState: "In Progress", startedAt: expect.any(String) });
  });

  it("GET /api/events/createdEvents/user/:userId – pages with ?limit= and ?cursor=nextCursor until nextCursor is null", async () => {
    const host = await createHost();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.unshift((await createEvent(host, { name: `Mixer ${i}` }))._id);
    const page1 = await listHosted(host, "?limit=3").expect(200);
    expect(page1.body.events.map((e: { _id: string }) => e._id)).toEqual(ids.slice(0, 3));
    expect(page1.body.nextCursor).toBe(ids[2]);
    const page2 = await listHosted(host, `?limit=3&cursor=${page1.body.nextCursor}`).expect(200);
    expect(page2.body.events.map((e: { _id: string }) => e._id)).toEqual(ids.slice(3));
    expect(page2.body.nextCursor).toBeNull();
  });

  it("GET /api/events/createdEvents/user/:userId – the default page is 50 events", async () => {
    const host = await createHost();
    for (let i = 0; i < 51; i++) await createEvent(host);
    const res = await listHosted(host).expect(200);
    expect(res.body.events).toHaveLength(50);
    expect(res.body.nextCursor).toBe(res.body.events[49]._id);
  });

  it("GET /api/events/createdEvents/user/:userId – two queries, however many events and participants", async () => {
    const host = await createHost();
    for (let i = 0; i < 3; i++) {
      const event = await createEvent(host);
      for (let j = 0; j < 3; j++) await joinAsGuest(event._id, `Guest ${j}`).expect(201);
    }
    const { commands } = await countCommands(() => listHosted(host).expect(200));
    expect(commands).toEqual(["find", "find"]);
  });

  it("GET /api/events/createdEvents/user/:userId – hosting nothing (a guest, a new user) is 200 with an empty list", async () => {
    const user = await createUser();
    expect((await listHosted(user).expect(200)).body).toEqual({ success: true, events: [], nextCursor: null });
  });

  it("GET /api/events/createdEvents/user/:userId – someone else's list is a 403 forbidden", async () => {
    const host = await createHost();
    await createEvent(host);
    expectError(await listHosted(await createUser(), "", host.userId), 403, "forbidden");
  });

  it("GET /api/events/createdEvents/user/:userId – without a token is a 401 unauthorized", async () => {
    expectError(await api().get(`/api/events/createdEvents/user/${newObjectId()}`), 401, "unauthorized");
  });

  it("GET /api/events/createdEvents/user/:userId – a bad limit, cursor or userId is a 400 invalid_input", async () => {
    const host = await createHost();
    for (const query of ["?limit=0", "?limit=101", "?cursor=123"]) {
      expectError(await listHosted(host, query), 400, "invalid_input");
    }
    expectError(await listHosted(host, "", "nope"), 400, "invalid_input");
  });
});
