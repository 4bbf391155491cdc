import { describe, expect, it } from "vitest";
import { PREVIEW_SEQS } from "../src/events/event-lists";
import { joinAsUser } from "./support/factories";
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

function listJoined(user: TestUser, query = "", userId = user.userId) {
  return api()
    .get(`/api/users/${userId}/events${query}`)
    .set(...bearer(user.token));
}

describe("GET /api/users/:userId/events", () => {
  it("GET /api/users/:userId/events – the events you joined, newest first, in the Events tab's shape", async () => {
    const host = await createHost();
    const ada = await createUser({ name: "Ada" });
    const older = await createEvent(host, { name: "Older mixer", description: "Drinks", maxParticipant: 40 });
    const newer = await createEvent(host, { name: "Newer mixer" });
    await createEvent(host, { name: "Not joined" });
    const inOlder = await joinAsUser(ada, older._id, { userId: ada.userId, name: ada.name }).expect(201);
    const inNewer = await joinAsUser(ada, newer._id, { userId: ada.userId, name: ada.name }).expect(201);

    const res = await listJoined(ada).expect(200);
    expect(res.body).toEqual({ success: true, events: [expect.any(Object), expect.any(Object)], nextCursor: null });
    const [first, second] = res.body.events;
    expect(first).toEqual({
      _id: newer._id,
      name: "Newer mixer",
      description: "",
      joinCode: newer.joinCode,
      startDate: null,
      endDate: null,
      maxParticipant: null,
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
      participantIds: [{ _id: inNewer.body.participant._id, name: "Ada", userId: ada.userId }],
    });
    expect(second).toMatchObject({
      _id: older._id,
      name: "Older mixer",
      description: "Drinks",
      maxParticipant: 40,
      participantIds: [{ _id: inOlder.body.participant._id, name: "Ada", userId: ada.userId }],
    });
  });

  it("GET /api/users/:userId/events – pages with ?limit= and ?cursor=nextCursor until nextCursor is null", async () => {
    const host = await createHost();
    const ada = await createUser({ name: "Ada" });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const event = await createEvent(host, { name: `Mixer ${i}` });
      await joinAsUser(ada, event._id, { userId: ada.userId, name: ada.name }).expect(201);
      ids.unshift(event._id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { body: { events: { _id: string }[]; nextCursor: string | null } } = await listJoined(
        ada,
        `?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      ).expect(200);
      seen.push(...res.body.events.map((event: { _id: string }) => event._id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
  });

  it("GET /api/users/:userId/events – participantIds holds the first joiners and always yourself; participantCount is exact", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    for (let i = 0; i < PREVIEW_SEQS + 5; i++) await joinAsGuest(event._id, `Early ${i}`).expect(201);
    const late = await createUser({ name: "Late Lou" });
    const own = await joinAsUser(late, event._id, { userId: late.userId, name: late.name }).expect(201);

    const res = await listJoined(late).expect(200);
    const [listed] = res.body.events;
    expect(listed.participantCount).toBe(PREVIEW_SEQS + 6);
    expect(listed.participantIds).toHaveLength(PREVIEW_SEQS + 1);
    expect(listed.participantIds.slice(0, 3).map((p: { name: string }) => p.name)).toEqual([
      "Early 0",
      "Early 1",
      "Early 2",
    ]);
    expect(listed.participantIds.at(-1)).toEqual({
      _id: own.body.participant._id,
      name: "Late Lou",
      userId: late.userId,
    });
  });

  it("GET /api/users/:userId/events – a guest lists the events they joined with their guest token", async () => {
    const event = await createEvent(await createHost());
    const joined = await joinAsGuest(event._id, "Gus").expect(201);
    const guest = { userId: joined.body.userId, token: joined.body.token, email: "", name: "Gus" };
    const res = await listJoined(guest).expect(200);
    expect(res.body.events.map((e: { _id: string }) => e._id)).toEqual([event._id]);
  });

  it("GET /api/users/:userId/events – nobody joined: 200 with an empty list", async () => {
    const ada = await createUser();
    expect((await listJoined(ada).expect(200)).body).toEqual({ success: true, events: [], nextCursor: null });
  });

  it("GET /api/users/:userId/events – three queries whatever the page holds", async () => {
    const host = await createHost();
    const ada = await createUser({ name: "Ada" });
    for (let i = 0; i < 4; i++) {
      const event = await createEvent(host);
      await joinAsGuest(event._id, "Someone").expect(201);
      await joinAsUser(ada, event._id, { userId: ada.userId, name: ada.name }).expect(201);
    }
    const { commands } = await countCommands(() => listJoined(ada).expect(200));
    expect(commands).toEqual(["find", "find", "find"]);
  });

  it("GET /api/users/:userId/events – someone else's list is a 403 forbidden", async () => {
    const ada = await createUser();
    const bob = await createUser();
    expectError(await listJoined(ada, "", bob.userId), 403, "forbidden");
  });

  it("GET /api/users/:userId/events – without a token is a 401 unauthorized", async () => {
    expectError(await api().get(`/api/users/${newObjectId()}/events`), 401, "unauthorized");
  });

  it("GET /api/users/:userId/events – a bad limit or cursor is a 400 invalid_input", async () => {
    const ada = await createUser();
    for (const query of ["?limit=0", "?limit=101", "?limit=ten", "?cursor=nope"]) {
      expectError(await listJoined(ada, query), 400, "invalid_input");
    }
  });

  it("GET /api/users/:userId/events – a malformed userId is a 400 invalid_input", async () => {
    const ada = await createUser();
    expectError(await listJoined(ada, "", "not-an-id"), 400, "invalid_input");
  });
});
