import { describe, expect, it } from "vitest";
import { createBingoEvent, joinAsUser, markSquare, type Player, recordMeeting } from "./support/factories";
import { api, bearer, createEvent, createUser, expectError, startEvent } from "./support/harness";

function exportMine(token: string) {
  return api()
    .get("/api/users/me/export")
    .set(...bearer(token));
}

describe("GET /api/users/me/export", () => {
  it("GET /api/users/me/export – the account without its hash, participations with card and achievements, connections both ways, events hosted, activity naming me", async () => {
    const user = await createUser({ name: "Exa Port" });
    const hosted = await createEvent(user, { name: "Exa's mixer" });
    const { host, eventId, players } = await createBingoEvent(1, { start: false });
    const [gus] = players as [Player];
    const joined = await joinAsUser(user, eventId).expect(201);
    await startEvent(host, eventId);
    const me: Player = {
      participantId: joined.body.participant._id,
      name: user.name,
      token: user.token,
      userId: user.userId,
    };
    await markSquare(eventId, me, 0, 0, gus).expect(200);
    await recordMeeting(eventId, gus, me).expect(201);

    const res = await exportMine(user.token).expect(200);
    expect(res.headers["content-disposition"]).toBe(`attachment; filename="shatter-my-data-${user.userId}.json"`);
    expect(JSON.stringify(res.body).toLowerCase()).not.toContain("password");
    expect(JSON.stringify(res.body)).not.toContain("scrypt");
    expect(res.body.account).toMatchObject({ _id: user.userId, name: "Exa Port", email: user.email });
    expect(res.body.participations).toEqual([
      {
        eventId,
        eventName: "Founders Mixer",
        participantId: me.participantId,
        name: "Exa Port",
        joinedAt: expect.any(String),
        left: false,
        card: {
          squaresFilled: 1,
          linesCompleted: 0,
          completed: false,
          marks: [{ square: 0, name: gus.name, at: expect.any(String) }],
        },
        achievements: [],
      },
    ]);
    expect(res.body.connectionsMade).toEqual([
      expect.objectContaining({ eventId, participantId: gus.participantId, name: gus.name, square: 0 }),
    ]);
    expect(res.body.connectionsReceived).toEqual([
      expect.objectContaining({
        eventId,
        participantId: gus.participantId,
        name: gus.name,
        profile: expect.objectContaining({ _id: gus.userId, name: gus.name }),
      }),
    ]);
    expect(res.body.eventsHosted).toEqual([
      {
        _id: hosted._id,
        name: "Exa's mixer",
        currentState: "pending",
        participantCount: 0,
        createdAt: expect.any(String),
      },
    ]);
    const events = (res.body.activity as { event: string; data: { participantId: string } }[]).map((a) => a.event);
    expect(events).toContain("participant-joined");
    for (const entry of res.body.activity as { data: { participantId: string } }[]) {
      expect(entry.data.participantId).toBe(me.participantId);
    }
  });

  it("GET /api/users/me/export – a guest gets theirs; no token is a 401", async () => {
    const { players } = await createBingoEvent(1);
    const [gus] = players as [Player];
    const res = await exportMine(gus.token).expect(200);
    expect(res.body.account).toMatchObject({ _id: gus.userId, authProvider: "guest" });
    expect(res.body.participations).toHaveLength(1);
    expectError(await api().get("/api/users/me/export"), 401, "unauthorized");
  });
});
