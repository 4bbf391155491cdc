import { describe, expect, it } from "vitest";
import { joinAsUser } from "./support/factories";
import {
  api,
  bearer,
  createEvent,
  createHost,
  createUser,
  expectError,
  joinAsGuest,
  newObjectId,
  payloadsOf,
  startEvent,
} from "./support/harness";

function joinedEvents(eventId: string) {
  return payloadsOf(eventId, "participant-joined");
}

describe("POST /api/events/:eventId/join/user", () => {
  it("POST /api/events/:eventId/join/user – a new participant is a 201 with the participant and one participant-joined", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const user = await createUser({ name: "Grace Hopper" });

    const res = await joinAsUser(user, event._id, { name: "Amazing Grace" });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      success: true,
      participant: {
        _id: expect.stringMatching(/^[0-9a-f]{24}$/),
        userId: user.userId,
        name: "Amazing Grace",
        eventId: event._id,
      },
    });
    expect(joinedEvents(event._id)).toEqual([{ participantId: res.body.participant._id, name: "Amazing Grace" }]);

    const stored = await api().get(`/api/events/${event._id}`).expect(200);
    expect(stored.body.event.participantCount).toBe(1);
    expect(stored.body.event.participantIds).toEqual([
      { _id: res.body.participant._id, name: "Amazing Grace", userId: user.userId },
    ]);
  });

  it("POST /api/events/:eventId/join/user – a returning guest joins another event and gets a token back", async () => {
    const host = await createHost();
    const first = await createEvent(host);
    const second = await createEvent(host);
    const guest = await joinAsGuest(first._id, "Returning Rae").expect(201);

    const res = await api()
      .post(`/api/events/${second._id}/join/user`)
      .set(...bearer(guest.body.token))
      .send({ userId: guest.body.userId, name: "Returning Rae" });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      success: true,
      participant: {
        _id: expect.stringMatching(/^[0-9a-f]{24}$/),
        userId: guest.body.userId,
        name: "Returning Rae",
        eventId: second._id,
      },
      token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
    });
    const me = await api()
      .get("/api/users/me")
      .set(...bearer(res.body.token))
      .expect(200);
    expect(me.body.user).toMatchObject({ _id: guest.body.userId, authProvider: "guest", isGuest: true });

    const again = await api()
      .post(`/api/events/${second._id}/join/user`)
      .set(...bearer(res.body.token))
      .send({});
    expect(again.status).toBe(200);
    expect(again.body).toEqual({
      success: true,
      participant: res.body.participant,
      token: expect.any(String),
      alreadyJoined: true,
    });
  });

  it("POST /api/events/:eventId/join/user – without a name the account name is used", async () => {
    const event = await createEvent(await createHost());
    const user = await createUser({ name: "Katherine Johnson" });
    const res = await joinAsUser(user, event._id);
    expect(res.status).toBe(201);
    expect(res.body.participant.name).toBe("Katherine Johnson");
    expect(joinedEvents(event._id)).toEqual([{ participantId: res.body.participant._id, name: "Katherine Johnson" }]);
  });

  it("POST /api/events/:eventId/join/user – the caller's own userId in the body is accepted", async () => {
    const event = await createEvent(await createHost());
    const user = await createUser();
    const res = await joinAsUser(user, event._id, { userId: user.userId.toUpperCase() });
    expect(res.status).toBe(201);
    expect(res.body.participant.userId).toBe(user.userId);
  });

  it("POST /api/events/:eventId/join/user – someone else's userId in the body is a 403 forbidden and nothing is stored", async () => {
    const event = await createEvent(await createHost());
    const user = await createUser();
    const other = await createUser();
    const res = await joinAsUser(user, event._id, { userId: other.userId });
    expectError(res, 403, "forbidden");
    const stored = await api().get(`/api/events/${event._id}`).expect(200);
    expect(stored.body.event.participantIds).toEqual([]);
    expect(joinedEvents(event._id)).toEqual([]);
  });

  it("POST /api/events/:eventId/join/user – joining again is a 200 with the same participant, alreadyJoined and no second realtime event", async () => {
    const event = await createEvent(await createHost());
    const user = await createUser({ name: "Repeat Rita" });
    const first = await joinAsUser(user, event._id).expect(201);

    const again = await joinAsUser(user, event._id, { name: "Another Name" });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ success: true, participant: first.body.participant, alreadyJoined: true });
    expect(joinedEvents(event._id)).toHaveLength(1);
    const stored = await api().get(`/api/events/${event._id}`).expect(200);
    expect(stored.body.event.participantCount).toBe(1);
  });

  it('POST /api/events/:eventId/join/user – a name clash ignoring case gets "Sam (2)", then "Sam (3)"', async () => {
    const event = await createEvent(await createHost());
    await joinAsUser(await createUser(), event._id, { name: "Sam" }).expect(201);

    const second = await joinAsUser(await createUser(), event._id, { name: "sam" });
    expect(second.status).toBe(201);
    expect(second.body.participant.name).toBe("sam (2)");

    const third = await joinAsUser(await createUser(), event._id, { name: "SAM" });
    expect(third.status).toBe(201);
    expect(third.body.participant.name).toBe("SAM (3)");

    expect(joinedEvents(event._id).map((payload) => payload.name)).toEqual(["Sam", "sam (2)", "SAM (3)"]);
  });

  it('POST /api/events/:eventId/join/user – a clash on "Sam" answers "Sam (2)" and then "Sam (3)"', async () => {
    const event = await createEvent(await createHost());
    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await joinAsUser(await createUser(), event._id, { name: "Sam" }).expect(201);
      names.push(res.body.participant.name);
    }
    expect(names).toEqual(["Sam", "Sam (2)", "Sam (3)"]);
  });

  it("POST /api/events/:eventId/join/user – a clash with an earlier name among several is still caught", async () => {
    // Guards the array conditions: the clash must be found whatever position the name holds.
    const event = await createEvent(await createHost());
    for (const name of ["Ann", "Bob", "Cy"]) await joinAsUser(await createUser(), event._id, { name }).expect(201);
    const res = await joinAsUser(await createUser(), event._id, { name: "ANN" }).expect(201);
    expect(res.body.participant.name).toBe("ANN (2)");
  });

  it("POST /api/events/:eventId/join/user – joining again after others joined is still alreadyJoined", async () => {
    const event = await createEvent(await createHost());
    const user = await createUser();
    const first = await joinAsUser(user, event._id, { name: "Early Bird" }).expect(201);
    await joinAsUser(await createUser(), event._id, { name: "Second" }).expect(201);
    await joinAsGuest(event._id, "Third").then((res) => expect(res.status).toBe(201));

    const again = await joinAsUser(user, event._id, { name: "Early Bird" });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ success: true, participant: first.body.participant, alreadyJoined: true });
    const stored = await api().get(`/api/events/${event._id}`).expect(200);
    expect(stored.body.event.participantCount).toBe(3);
  });

  it("POST /api/events/:eventId/join/user – names are trimmed and NFC-normalised", async () => {
    const event = await createEvent(await createHost());
    const decomposed = "Jose\u0301"; // "José" with a combining accent
    const res = await joinAsUser(await createUser(), event._id, { name: `  ${decomposed}  ` });
    expect(res.status).toBe(201);
    expect(res.body.participant.name).toBe("Jos\u00e9");

    // The composed spelling is the same name, so it clashes.
    const clash = await joinAsUser(await createUser(), event._id, { name: "Jos\u00e9" }).expect(201);
    expect(clash.body.participant.name).toBe("Jos\u00e9 (2)");
  });

  it.each([
    ["a control character", "Bad\u0007Name"],
    ["a newline", "Two\nLines"],
    ["an empty name", ""],
    ["a blank name", "   "],
    ["51 characters", "x".repeat(51)],
    ["a number", 42],
  ])("POST /api/events/:eventId/join/user – %s is a 400 invalid_input on path name", async (_label, name) => {
    const event = await createEvent(await createHost());
    const res = await joinAsUser(await createUser(), event._id, { name });
    expectError(res, 400, "invalid_input");
    // An empty name breaks two rules (length, a visible character); both are listed, on the same path.
    expect(new Set(res.body.issues.map((issue: { path: string }) => issue.path))).toEqual(new Set(["name"]));
    expect(joinedEvents(event._id)).toEqual([]);
  });

  it("POST /api/events/:eventId/join/user – 50 characters is accepted", async () => {
    const event = await createEvent(await createHost());
    const res = await joinAsUser(await createUser(), event._id, { name: "x".repeat(50) });
    expect(res.status).toBe(201);
    expect(res.body.participant.name).toBe("x".repeat(50));
  });

  it("POST /api/events/:eventId/join/user – an ended event is a 409 event_ended", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    await startEvent(host, event._id);
    await api()
      .post(`/api/events/${event._id}/end`)
      .set(...bearer(host.token))
      .expect(200);
    const res = await joinAsUser(await createUser(), event._id);
    expectError(res, 409, "event_ended");
    expect(joinedEvents(event._id)).toEqual([]);
  });

  it("POST /api/events/:eventId/join/user – a full event is a 400 event_full", async () => {
    const event = await createEvent(await createHost(), { maxParticipant: 1 });
    await joinAsGuest(event._id, "First In").then((res) => expect(res.status).toBe(201));
    const res = await joinAsUser(await createUser(), event._id);
    expectError(res, 400, "event_full");
    const stored = await api().get(`/api/events/${event._id}`).expect(200);
    expect(stored.body.event.participantCount).toBe(1);
    expect(joinedEvents(event._id)).toHaveLength(1);
  });

  it("POST /api/events/:eventId/join/user – a participant of a full event joining again still gets 200 alreadyJoined", async () => {
    const event = await createEvent(await createHost(), { maxParticipant: 1 });
    const user = await createUser();
    const first = await joinAsUser(user, event._id).expect(201);
    const again = await joinAsUser(user, event._id);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ success: true, participant: first.body.participant, alreadyJoined: true });
  });

  it("POST /api/events/:eventId/join/user – an unknown event is a 404 not_found", async () => {
    const res = await joinAsUser(await createUser(), newObjectId());
    expectError(res, 404, "not_found");
  });

  it("POST /api/events/:eventId/join/user – a malformed event id is a 400", async () => {
    const res = await joinAsUser(await createUser(), "not-an-id");
    expectError(res, 400, "invalid_input");
    expect(res.body.issues.map((issue: { path: string }) => issue.path)).toEqual(["eventId"]);
  });

  it("POST /api/events/:eventId/join/user – a malformed body userId is a 400", async () => {
    const event = await createEvent(await createHost());
    const res = await joinAsUser(await createUser(), event._id, { userId: "123" });
    expectError(res, 400, "invalid_input");
    expect(res.body.issues.map((issue: { path: string }) => issue.path)).toEqual(["userId"]);
  });

  it("POST /api/events/:eventId/join/user – no token is a 401 unauthorized", async () => {
    const event = await createEvent(await createHost());
    const res = await api().post(`/api/events/${event._id}/join/user`).send({ name: "Anon" });
    expectError(res, 401, "unauthorized");
    expect(joinedEvents(event._id)).toEqual([]);
  });

  it("POST /api/events/:eventId/join/user – a bad token is a 401 unauthorized", async () => {
    const event = await createEvent(await createHost());
    const res = await api()
      .post(`/api/events/${event._id}/join/user`)
      .set(...bearer("not.a.token"))
      .send({});
    expectError(res, 401, "unauthorized");
  });

  it("POST /api/events/:eventId/join/user – joining an active event works too", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    await startEvent(host, event._id);
    const res = await joinAsUser(await createUser({ name: "Late Larry" }), event._id);
    expect(res.status).toBe(201);
    expect(res.body.participant.name).toBe("Late Larry");
    expect(joinedEvents(event._id)).toHaveLength(1);
  });
});
