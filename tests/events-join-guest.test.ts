import { describe, expect, it } from "vitest";
import { User } from "../src/models/user";
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

function countUsers(): Promise<number> {
  return User.countDocuments({});
}

async function storedEvent(eventId: string) {
  const res = await api().get(`/api/events/${eventId}`).expect(200);
  return res.body.event;
}

describe("POST /api/events/:eventId/join/guest", () => {
  it("POST /api/events/:eventId/join/guest – a guest joins: 201 with participant, userId, token and one participant-joined", async () => {
    const event = await createEvent(await createHost());
    const res = await joinAsGuest(event._id, "Guest Gwen");
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      success: true,
      participant: {
        _id: expect.stringMatching(/^[0-9a-f]{24}$/),
        userId: expect.stringMatching(/^[0-9a-f]{24}$/),
        name: "Guest Gwen",
        eventId: event._id,
      },
      userId: expect.stringMatching(/^[0-9a-f]{24}$/),
      token: expect.any(String),
    });
    expect(res.body.participant.userId).toBe(res.body.userId);
    expect(joinedEvents(event._id)).toEqual([{ participantId: res.body.participant._id, name: "Guest Gwen" }]);

    const stored = await storedEvent(event._id);
    expect(stored.participantIds).toEqual([
      { _id: res.body.participant._id, name: "Guest Gwen", userId: res.body.userId },
    ]);
  });

  it("POST /api/events/:eventId/join/guest – the profile given at the join is the guest's profile on /api/users/me", async () => {
    const event = await createEvent(await createHost());
    const res = await api()
      .post(`/api/events/${event._id}/join/guest`)
      .send({
        name: "Guest Gus",
        email: "gus@example.com",
        organization: "Acme",
        title: "CTO",
        bio: "Ask me about sourdough",
        profilePhoto: "https://avatars.example.com/gus.png",
        socialLinks: {
          linkedin: "linkedin.com/in/gus",
          github: "",
          other: [{ label: "Blog", url: "https://gus.example.com" }],
        },
      })
      .expect(201);
    const me = await api()
      .get("/api/users/me")
      .set(...bearer(res.body.token))
      .expect(200);
    expect(me.body.user).toEqual({
      _id: res.body.userId,
      name: "Guest Gus",
      email: "gus@example.com",
      authProvider: "guest",
      profileVisibility: "event",
      isGuest: true,
      organization: "Acme",
      title: "CTO",
      bio: "Ask me about sourdough",
      profilePhoto: "https://avatars.example.com/gus.png",
      socialLinks: {
        linkedin: "https://linkedin.com/in/gus",
        other: [{ label: "Blog", url: "https://gus.example.com" }],
      },
    });
  });

  it("POST /api/events/:eventId/join/guest – a bad profile field is a 400 naming it, and no guest is left behind", async () => {
    const event = await createEvent(await createHost());
    const usersBefore = await countUsers();
    for (const [field, value, path] of [
      ["profilePhoto", "javascript:alert(1)", "profilePhoto"],
      ["profilePhoto", "ftp://example.com/a.png", "profilePhoto"],
      ["socialLinks", ["https://example.com"], "socialLinks"],
      ["socialLinks", { other: [{ label: "x", url: "data:text/html,hi" }] }, "socialLinks.other.0.url"],
      [
        "socialLinks",
        { other: Array.from({ length: 11 }, (_, i) => ({ label: `L${i}`, url: "https://example.com" })) },
        "socialLinks.other",
      ],
      ["bio", "b".repeat(501), "bio"],
    ] as const) {
      const res = await api()
        .post(`/api/events/${event._id}/join/guest`)
        .send({ name: "Bad Profile", [field]: value });
      expectError(res, 400, "invalid_input");
      expect(
        res.body.issues.map((issue: { path: string }) => issue.path),
        `${field} ${JSON.stringify(value)}`,
      ).toContain(path);
    }
    expect(await countUsers()).toBe(usersBefore);
    expect(joinedEvents(event._id)).toEqual([]);
  });

  it("POST /api/events/:eventId/join/guest – the same guest sending its token again gets 200 alreadyJoined, no new guest and no new event", async () => {
    const event = await createEvent(await createHost());
    const first = await joinAsGuest(event._id, "Return Ruth").then((res) => {
      expect(res.status).toBe(201);
      return res;
    });
    const usersBefore = await countUsers();

    const again = await api()
      .post(`/api/events/${event._id}/join/guest`)
      .set(...bearer(first.body.token))
      .send({ name: "Return Ruth" });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({
      success: true,
      participant: first.body.participant,
      userId: first.body.userId,
      token: expect.any(String),
      alreadyJoined: true,
    });
    expect(await countUsers()).toBe(usersBefore);
    expect(joinedEvents(event._id)).toHaveLength(1);
    expect((await storedEvent(event._id)).participantCount).toBe(1);
  });

  it("POST /api/events/:eventId/join/guest – a guest token from another event joins this one as the same guest", async () => {
    const host = await createHost();
    const eventA = await createEvent(host);
    const eventB = await createEvent(host);
    const first = await joinAsGuest(eventA._id, "Roaming Rob");
    expect(first.status).toBe(201);
    const usersBefore = await countUsers();

    const res = await api()
      .post(`/api/events/${eventB._id}/join/guest`)
      .set(...bearer(first.body.token))
      .send({ name: "Roaming Rob" });
    expect(res.status).toBe(201);
    expect(res.body.userId).toBe(first.body.userId);
    expect(await countUsers()).toBe(usersBefore);
  });

  it("POST /api/events/:eventId/join/guest – a name clash gets a suffix like user joins", async () => {
    const event = await createEvent(await createHost());
    expect((await joinAsGuest(event._id, "Sam")).body.participant.name).toBe("Sam");
    expect((await joinAsGuest(event._id, "SAM")).body.participant.name).toBe("SAM (2)");
  });

  it("POST /api/events/:eventId/join/guest – a full event is a 400 event_full and leaves no guest user behind", async () => {
    const event = await createEvent(await createHost(), { maxParticipant: 1 });
    expect((await joinAsGuest(event._id, "First In")).status).toBe(201);
    const usersBefore = await countUsers();

    const res = await joinAsGuest(event._id, "Too Late");
    expectError(res, 400, "event_full");
    expect(await countUsers()).toBe(usersBefore);
    expect(await User.countDocuments({ name: "Too Late" })).toBe(0);
    expect(joinedEvents(event._id)).toHaveLength(1);
  });

  it("POST /api/events/:eventId/join/guest – an ended event is a 409 event_ended and leaves no guest user behind", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    await startEvent(host, event._id);
    await api()
      .post(`/api/events/${event._id}/end`)
      .set(...bearer(host.token))
      .expect(200);
    const usersBefore = await countUsers();

    const res = await joinAsGuest(event._id, "After Party");
    expectError(res, 409, "event_ended");
    expect(await countUsers()).toBe(usersBefore);
    expect(joinedEvents(event._id)).toEqual([]);
  });

  it("POST /api/events/:eventId/join/guest – an unknown event is a 404 and leaves no guest user behind", async () => {
    const usersBefore = await countUsers();
    const res = await joinAsGuest(newObjectId(), "Lost Lucy");
    expectError(res, 404, "not_found");
    expect(await countUsers()).toBe(usersBefore);
  });

  it("POST /api/events/:eventId/join/guest – a malformed event id is a 400", async () => {
    const res = await joinAsGuest("1234", "Lost Lucy");
    expectError(res, 400, "invalid_input");
    expect(res.body.issues.map((issue: { path: string }) => issue.path)).toEqual(["eventId"]);
  });

  it("POST /api/events/:eventId/join/guest – an operator object as name is a 400 and nothing is stored", async () => {
    const event = await createEvent(await createHost());
    const usersBefore = await countUsers();
    const res = await api()
      .post(`/api/events/${event._id}/join/guest`)
      .set("Content-Type", "application/json")
      .send('{"name":{"$gt":""}}');
    expectError(res, 400, "invalid_input");
    expect(res.body.issues.map((issue: { path: string }) => issue.path)).toEqual(["name"]);
    expect(await countUsers()).toBe(usersBefore);
    expect((await storedEvent(event._id)).participantIds).toEqual([]);
    expect(joinedEvents(event._id)).toEqual([]);
  });

  it("POST /api/events/:eventId/join/guest – a missing name is a 400 invalid_input", async () => {
    const event = await createEvent(await createHost());
    const res = await api().post(`/api/events/${event._id}/join/guest`).send({});
    expectError(res, 400, "invalid_input");
    expect(res.body.issues.map((issue: { path: string }) => issue.path)).toEqual(["name"]);
  });

  it("POST /api/events/:eventId/join/guest – unknown body fields are ignored and not stored", async () => {
    const event = await createEvent(await createHost());
    const res = await api()
      .post(`/api/events/${event._id}/join/guest`)
      .send({ name: "Plain Pat", authProvider: "local", isAdmin: true })
      .expect(201);
    const stored = await User.findById(res.body.userId).lean<Record<string, unknown>>();
    expect(stored?.authProvider).toBe("guest");
    expect(stored).not.toHaveProperty("isAdmin");
  });

  it("POST /api/events/:eventId/join/guest – a registered user's token does not make them a guest: a new guest is created", async () => {
    // The route is public: a non-guest token is not reused, the join makes a guest as usual.
    const event = await createEvent(await createHost());
    const user = await createUser();
    const res = await api()
      .post(`/api/events/${event._id}/join/guest`)
      .set(...bearer(user.token))
      .send({ name: "Not Me" });
    expect(res.status).toBe(201);
    expect(res.body.userId).not.toBe(user.userId);
  });

  it("POST /api/events/:eventId/join/guest – compat: the response carries userId and token at the top level", async () => {
    const event = await createEvent(await createHost());
    const res = await joinAsGuest(event._id, "Compat Carl");
    expect(res.status).toBe(201);
    expect(typeof res.body.userId).toBe("string");
    expect(typeof res.body.token).toBe("string");
    expect(res.body.token.split(".")).toHaveLength(3);
  });
});
