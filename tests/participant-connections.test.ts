import { describe, expect, it } from "vitest";
import { ActivityEntry } from "../src/models/activity-entry";
import { Event } from "../src/models/event";
import { ParticipantConnection } from "../src/models/participant-connection";
import { ageActivity } from "./support/activity";
import { dashboardGrid } from "./support/bingo-grids";
import {
  createBingoEvent,
  joinAsPlayer,
  MET_DURING_BINGO,
  markSquare,
  type Player,
  recordMeeting,
} from "./support/factories";
import {
  api,
  bearer,
  countCommands,
  createEvent,
  createHost,
  createUser,
  expectError,
  newObjectId,
  payloadsOf,
  publishedTo,
  startEvent,
  type TestUser,
} from "./support/harness";
import { expectSeqsSettled } from "./support/seqs";

const question = (row: number, col: number) => `Find someone who knows square ${row}-${col}`;

function connectedUsers(eventId: string, token: string, participant: Player) {
  return api()
    .get(`/api/participantConnections/connected-users?participantId=${participant.participantId}&eventId=${eventId}`)
    .set(...bearer(token));
}

/** The people `participant` met, as the app lists them: their participant ids and descriptions. */
async function metBy(eventId: string, participant: Player): Promise<[string, string][]> {
  const res = await connectedUsers(eventId, participant.token, participant).expect(200);
  return (res.body as { participantId: string; connectionDescription: string }[]).map((row) => [
    row.participantId,
    row.connectionDescription,
  ]);
}

function entry(player: Player, overrides: Record<string, unknown> = {}) {
  return {
    participantId: player.participantId,
    name: player.name,
    profilePhoto: null,
    connectionsCount: 0,
    linesCompleted: 0,
    completed: false,
    squaresFilled: 0,
    ...overrides,
  };
}

function connectionBody(
  eventId: string,
  primary: Player,
  secondary: Player,
  square: { row: number; col: number } | null,
  description = MET_DURING_BINGO,
) {
  return {
    _id: expect.stringMatching(/^[0-9a-f]{24}$/),
    _eventId: eventId,
    primaryParticipantId: primary.participantId,
    secondaryParticipantId: secondary.participantId,
    description,
    square,
    verified: false,
    createdAt: expect.any(String),
  };
}

describe("POST /api/participantConnections", () => {
  it("POST /api/participantConnections – records a meeting: 201 with the connection, one leaderboard-updated with the caller's entry", async () => {
    const { eventId, players } = await createBingoEvent(2);
    const [me, other] = players as [Player, Player];
    const before = publishedTo(eventId).length;

    const res = await recordMeeting(eventId, me, other);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toEqual({ success: true, connection: connectionBody(eventId, me, other, null), bingo: null });

    expect(
      publishedTo(eventId)
        .slice(before)
        .map((m) => m.name),
    ).toEqual(["leaderboard-updated"]);
    expect(payloadsOf(eventId, "leaderboard-updated")).toEqual([entry(me, { connectionsCount: 1 })]);
    expect(await metBy(eventId, me)).toEqual([[other.participantId, MET_DURING_BINGO]]);
    // Stored once, for this direction only: the other person recorded nobody.
    expect(await metBy(eventId, other)).toEqual([]);
  });

  it("POST /api/participantConnections – a square's question fills that square through the referee, with its achievements", async () => {
    const { eventId, players } = await createBingoEvent(4);
    const [me, a, b, c] = players as [Player, Player, Player, Player];
    await markSquare(eventId, me, 0, 0, a).expect(200);
    await recordMeeting(eventId, me, b, question(0, 1)).expect(201);

    const res = await recordMeeting(eventId, me, c, "square 0-2"); // the shortQuestion
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toEqual({
      success: true,
      connection: connectionBody(eventId, me, c, { row: 0, col: 2 }, "square 0-2"),
      bingo: {
        card: {
          marks: [
            { row: 0, col: 0, participantId: a.participantId, name: a.name },
            { row: 0, col: 1, participantId: b.participantId, name: b.name },
            { row: 0, col: 2, participantId: c.participantId, name: c.name },
          ],
          linesCompleted: 1,
          completed: false,
        },
        achievements: [{ participantId: me.participantId, participantName: me.name, achievementType: "line" }],
      },
    });
    expect(payloadsOf(eventId, "bingo-achieved")).toEqual([
      { participantId: me.participantId, participantName: me.name, achievementType: "line" },
    ]);
    expect(payloadsOf(eventId, "leaderboard-updated")).toEqual([
      entry(me, { connectionsCount: 1, squaresFilled: 1 }),
      entry(me, { connectionsCount: 2, squaresFilled: 2 }),
      entry(me, { connectionsCount: 3, squaresFilled: 3, linesCompleted: 1 }),
    ]);
    const card = await api()
      .get(`/api/events/${eventId}/bingo`)
      .set(...bearer(me.token))
      .expect(200);
    expect(card.body.card.marks).toHaveLength(3);
    expect(await metBy(eventId, me)).toEqual([
      [a.participantId, question(0, 0)],
      [b.participantId, question(0, 1)],
      [c.participantId, "square 0-2"],
    ]);
  });

  it("POST /api/participantConnections – a repeat is a 409 already_connected and publishes nothing", async () => {
    const { eventId, players } = await createBingoEvent(3);
    const [me, other, third] = players as [Player, Player, Player];
    await recordMeeting(eventId, me, other).expect(201);
    await recordMeeting(eventId, me, third, question(1, 1)).expect(201);
    const before = publishedTo(eventId).length;

    expectError(await recordMeeting(eventId, me, other), 409, "already_connected");
    expectError(await recordMeeting(eventId, me, other, "Another description"), 409, "already_connected");
    // Already met, so the square cannot be filled by a new meeting with them either.
    expectError(await recordMeeting(eventId, me, other, question(2, 2)), 409, "already_connected");
    expectError(await recordMeeting(eventId, me, third, question(1, 1)), 409, "already_connected");
    expect(publishedTo(eventId).length).toBe(before);
    expect(await ParticipantConnection.countDocuments({ eventId })).toBe(2);
    // Each repeat's seq, reserved with the event's read, was given back as a gap.
    await expectSeqsSettled(eventId);
  });

  it("POST /api/participantConnections – the other direction is a connection of its own", async () => {
    const { eventId, players } = await createBingoEvent(2);
    const [me, other] = players as [Player, Player];
    await recordMeeting(eventId, me, other).expect(201);
    await recordMeeting(eventId, other, me).expect(201);
    expect(await metBy(eventId, other)).toEqual([[me.participantId, MET_DURING_BINGO]]);
  });

  it("POST /api/participantConnections – a square the referee refuses is its 409 and stores no connection", async () => {
    const { eventId, players } = await createBingoEvent(3);
    const [me, a, b] = players as [Player, Player, Player];
    await markSquare(eventId, me, 0, 0, a).expect(200);
    const before = publishedTo(eventId).length;
    expectError(await recordMeeting(eventId, me, b, question(0, 0)), 409, "square_taken");
    expect(publishedTo(eventId).length).toBe(before);
    expect(await metBy(eventId, me)).toEqual([[a.participantId, question(0, 0)]]);
    await expectSeqsSettled(eventId);
    // Nothing was left behind: the same meeting without the square goes through.
    await recordMeeting(eventId, me, b).expect(201);
  });

  it("POST /api/participantConnections – the caller must be the primary participant's user: else a 403 forbidden", async () => {
    const { host, eventId, players } = await createBingoEvent(3);
    const [me, other, third] = players as [Player, Player, Player];
    expectError(await recordMeeting(eventId, me, other, MET_DURING_BINGO, third.token), 403, "forbidden");
    expectError(await recordMeeting(eventId, me, other, MET_DURING_BINGO, host.token), 403, "forbidden");
    expect(await metBy(eventId, me)).toEqual([]);
    await expectSeqsSettled(eventId);
  });

  it("POST /api/participantConnections – yourself, or someone not in the event, is a 400 invalid_input naming the field", async () => {
    const { eventId, players } = await createBingoEvent(2);
    const [me] = players as [Player, Player];
    const elsewhere = await createBingoEvent(1);
    const stranger = elsewhere.players[0] as Player;

    const self = await recordMeeting(eventId, me, me);
    expectError(self, 400, "invalid_input");
    expect(self.body.issues).toEqual([{ path: "secondaryParticipantId", message: expect.stringContaining("you") }]);

    const outsider = await recordMeeting(eventId, me, stranger);
    expectError(outsider, 400, "invalid_input");
    expect(outsider.body.issues).toEqual([
      { path: "secondaryParticipantId", message: "is not a participant of this event" },
    ]);

    const notMine = await recordMeeting(eventId, stranger, me);
    expectError(notMine, 400, "invalid_input");
    expect(notMine.body.issues).toEqual([
      { path: "primaryParticipantId", message: "is not a participant of this event" },
    ]);
  });

  it("POST /api/participantConnections – a pending or ended event is a 409 event_not_active", async () => {
    const pending = await createBingoEvent(2, { start: false });
    const [p0, p1] = pending.players as [Player, Player];
    expectError(await recordMeeting(pending.eventId, p0, p1), 409, "event_not_active");

    const ended = await createBingoEvent(2);
    const [e0, e1] = ended.players as [Player, Player];
    await api()
      .post(`/api/events/${ended.eventId}/end`)
      .set(...bearer(ended.host.token))
      .expect(200);
    expectError(await recordMeeting(ended.eventId, e0, e1), 409, "event_not_active");
    expect(await ParticipantConnection.countDocuments({ eventId: { $in: [pending.eventId, ended.eventId] } })).toBe(0);
  });

  it("POST /api/participantConnections – an unknown event is a 404 not_found; no token a 401; bad bodies a 400", async () => {
    const { eventId, players } = await createBingoEvent(2);
    const [me, other] = players as [Player, Player];
    expectError(await recordMeeting(newObjectId(), me, other), 404, "not_found");
    expectError(await api().post("/api/participantConnections").send({ _eventId: eventId }), 401, "unauthorized");
    const bad = await api()
      .post("/api/participantConnections")
      .set(...bearer(me.token))
      .send({ _eventId: "nope", primaryParticipantId: { $gt: "" }, description: "" });
    expectError(bad, 400, "invalid_input");
    expect(bad.body.issues.map((issue: { path: string }) => issue.path).sort()).toEqual([
      "_eventId",
      "description",
      "primaryParticipantId",
      "secondaryParticipantId",
    ]);
  });

  it("POST /api/participantConnections – GET is a 405 with an Allow header", async () => {
    const res = await api().get("/api/participantConnections");
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("POST, OPTIONS");
    expect(res.body).toEqual({
      success: false,
      code: "method_not_allowed",
      error: expect.any(String),
      requestId: res.headers["x-request-id"],
    });
  });

  it("POST /api/participantConnections – two requests for the same pair at once: one 201, one 409, one connection, one leaderboard-updated", async () => {
    const { eventId, players } = await createBingoEvent(2);
    const [me, other] = players as [Player, Player];
    const results = await Promise.all([recordMeeting(eventId, me, other), recordMeeting(eventId, me, other)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expectError(results.find((r) => r.status === 409) as { status: number; body: unknown }, 409, "already_connected");
    expect(await ParticipantConnection.countDocuments({ eventId })).toBe(1);
    expect(payloadsOf(eventId, "leaderboard-updated")).toEqual([entry(me, { connectionsCount: 1 })]);
  });

  it("POST /api/participantConnections – a connection naming a square and a mark of that square with the same person at once: filled once, one connection", async () => {
    for (let round = 0; round < 3; round++) {
      const { eventId, players } = await createBingoEvent(3);
      const [me, a, b] = players as [Player, Player, Player];
      await markSquare(eventId, me, 0, 0, b).expect(200);
      const [viaConnection, viaMark] = await Promise.all([
        recordMeeting(eventId, me, a, question(1, 1)),
        markSquare(eventId, me, 1, 1, a),
      ]);
      expect(viaMark.status, JSON.stringify(viaMark.body)).toBe(200);
      // Whichever came first, the square holds `a` once and the pair has one connection.
      expect([201, 409]).toContain(viaConnection.status);
      if (viaConnection.status === 409) expectError(viaConnection, 409, "already_connected");
      const card = await api()
        .get(`/api/events/${eventId}/bingo`)
        .set(...bearer(me.token))
        .expect(200);
      expect(
        card.body.card.marks.filter((m: { participantId: string }) => m.participantId === a.participantId),
      ).toEqual([{ row: 1, col: 1, participantId: a.participantId, name: a.name }]);
      expect(await ParticipantConnection.countDocuments({ eventId, secondaryParticipantId: a.participantId })).toBe(1);
    }
  });

  it("POST /api/participantConnections – a meeting and a mark of the same pair at once both succeed with one connection", async () => {
    const { eventId, players } = await createBingoEvent(2);
    const [me, other] = players as [Player, Player];
    const [viaConnection, viaMark] = await Promise.all([
      recordMeeting(eventId, me, other),
      markSquare(eventId, me, 2, 2, other),
    ]);
    expect(viaMark.status, JSON.stringify(viaMark.body)).toBe(200);
    expect([201, 409]).toContain(viaConnection.status);
    expect(await ParticipantConnection.countDocuments({ eventId })).toBe(1);
    expect(viaMark.body.card.marks).toEqual([{ row: 2, col: 2, participantId: other.participantId, name: other.name }]);
  });

  it("POST /api/participantConnections – a meeting takes 7 database commands; one naming a square, as many as a mark", async () => {
    const { eventId, players } = await createBingoEvent(2);
    const [me, other] = players as [Player, Player];
    const { commands } = await countCommands(() => recordMeeting(eventId, me, other).expect(201));
    console.log(`connection round trips: ${commands.length} (${commands.join(", ")})`);
    // The event read with the seq of its leaderboard-updated reserved (issue 21), both
    // participants (one query, with the photos they keep), the connection; the caller's entry
    // (newest card, people met, at once).
    expect(commands.slice(0, 3)).toEqual(["findAndModify", "find", "insert"]);
    expect([...commands.slice(3, 5)].sort()).toEqual(["aggregate", "find"]);
    // The log entry, then (issue 17) the update ending the write's in-flight count.
    expect(commands.slice(5)).toEqual(["insert", "update"]);
    // Naming a square: the event with the seq, both participants, the card, the connection, the
    // new version, people met, the log entry, done (the mark's 8).
    const square = await countCommands(() => recordMeeting(eventId, other, me, question(0, 0)).expect(201));
    expect([...square.commands].sort()).toEqual(
      ["findAndModify", "find", "find", "insert", "insert", "aggregate", "insert", "update"].sort(),
    );
  });
});

describe("leaderboard-updated and the cron", () => {
  it("GET /api/cron/publish-pending – a leaderboard-updated whose log entry was lost is rebuilt under its seq with the entry as it now stands", async () => {
    const { eventId, players } = await createBingoEvent(3);
    const [me, a, b] = players as [Player, Player, Player];
    await recordMeeting(eventId, me, a).expect(201);
    await markSquare(eventId, me, 0, 0, b).expect(200);
    const published = publishedTo(eventId).filter((m) => m.name === "leaderboard-updated");
    const seqs = published.map((m) => m.data.seq);
    expect(seqs).toEqual([expect.any(Number), expect.any(Number)]);
    // As if both functions died right after publishing, before writing the log (and so before
    // giving back their in-flight count).
    await ActivityEntry.deleteMany({ eventId, event: "leaderboard-updated" });
    await Event.updateOne({ _id: eventId }, { $inc: { inFlight: 2 } });
    await ageActivity(eventId);

    await api()
      .get("/api/cron/publish-pending")
      .set("Authorization", "Bearer test-cron-secret-of-at-least-32-chars")
      .expect(200);

    const now = entry(me, { connectionsCount: 2, squaresFilled: 1 });
    const again = publishedTo(eventId)
      .filter((m) => m.name === "leaderboard-updated")
      .slice(2);
    expect(again).toEqual(seqs.map((seq) => ({ name: "leaderboard-updated", data: { ...now, seq } })));
    const logged = await ActivityEntry.find({ eventId, event: "leaderboard-updated" }).sort({ seq: 1 }).lean();
    expect(logged.map((e) => e.seq)).toEqual(seqs);
  });
});

describe("POST /api/events/:eventId/bingo records the connection", () => {
  it("POST /api/events/:eventId/bingo – a mark records the meeting under the square's question; repeating it is a 200", async () => {
    const { eventId, players } = await createBingoEvent(2);
    const [me, other] = players as [Player, Player];
    await markSquare(eventId, me, 1, 2, other).expect(200);
    await markSquare(eventId, me, 1, 2, other).expect(200);
    expect(await metBy(eventId, me)).toEqual([[other.participantId, question(1, 2)]]);
    expect(payloadsOf(eventId, "leaderboard-updated")).toEqual([entry(me, { connectionsCount: 1, squaresFilled: 1 })]);
  });

  it("POST /api/events/:eventId/bingo – a mark after a meeting with the same person keeps the meeting and fills the square", async () => {
    const { eventId, players } = await createBingoEvent(2);
    const [me, other] = players as [Player, Player];
    await recordMeeting(eventId, me, other).expect(201);
    const res = await markSquare(eventId, me, 0, 0, other).expect(200);
    expect(res.body.card.marks).toEqual([{ row: 0, col: 0, participantId: other.participantId, name: other.name }]);
    expect(await metBy(eventId, me)).toEqual([[other.participantId, MET_DURING_BINGO]]);
    expect(payloadsOf(eventId, "leaderboard-updated")).toEqual([
      entry(me, { connectionsCount: 1 }),
      entry(me, { connectionsCount: 1, squaresFilled: 1 }),
    ]);
  });
});

describe("GET /api/participantConnections/connected-users", () => {
  async function withProfiles() {
    const host = await createHost();
    const event = await createEvent(host, { bingo: { grid: dashboardGrid(3) } });
    const me = await joinAsPlayer(event._id, "Mina");
    const ada: TestUser = await createUser({ name: "Ada Lovelace" });
    await api()
      .put(`/api/users/${ada.userId}`)
      .set(...bearer(ada.token))
      .send({
        bio: "Engines",
        title: "Analyst",
        organization: "Analytical Society",
        profilePhoto: "https://example.com/ada.png",
        socialLinks: { linkedin: "https://linkedin.com/in/ada", other: [{ label: "Blog", url: "https://ada.dev" }] },
      })
      .expect(200);
    const adaJoin = await api()
      .post(`/api/events/${event._id}/join/user`)
      .set(...bearer(ada.token))
      .send({ name: "Ada" })
      .expect(201);
    const adaPlayer: Player = {
      participantId: adaJoin.body.participant._id,
      name: "Ada",
      token: ada.token,
      userId: ada.userId,
    };
    const guest = await joinAsPlayer(event._id, "Gus", { profilePhoto: "https://example.com/gus.png" });
    await startEvent(host, event._id);
    await recordMeeting(event._id, me, adaPlayer).expect(201);
    await markSquare(event._id, me, 2, 0, guest).expect(200);
    return { host, eventId: event._id, me, ada: adaPlayer, guest };
  }

  it("GET /api/participantConnections/connected-users – the people met, oldest first, in the app's shape with public profiles and no email", async () => {
    const { eventId, me, ada, guest } = await withProfiles();
    const res = await connectedUsers(eventId, me.token, me).expect(200);
    expect(res.body).toEqual([
      {
        participantId: ada.participantId,
        participantName: "Ada",
        connectionDescription: MET_DURING_BINGO,
        verified: false,
        user: {
          _id: ada.userId,
          name: "Ada Lovelace",
          profilePhoto: "https://example.com/ada.png",
          title: "Analyst",
          organization: "Analytical Society",
          bio: "Engines",
          socialLinks: { linkedin: "https://linkedin.com/in/ada", other: [{ label: "Blog", url: "https://ada.dev" }] },
        },
      },
      {
        participantId: guest.participantId,
        participantName: "Gus",
        connectionDescription: question(2, 0),
        verified: false,
        user: {
          _id: guest.userId,
          name: "Gus",
          profilePhoto: "https://example.com/gus.png",
          title: "",
          organization: "",
          bio: "",
          socialLinks: {},
        },
      },
    ]);
  });

  it("GET /api/participantConnections/connected-users – three database commands for the participant, four for the host", async () => {
    const { host, eventId, me } = await withProfiles();
    const own = await countCommands(() => connectedUsers(eventId, me.token, me).expect(200));
    // The participant, their connections, the users they met.
    expect(own.commands).toEqual(["find", "find", "find"]);
    const hosts = await countCommands(() => connectedUsers(eventId, host.token, me).expect(200));
    // And the event, to know its host.
    expect(hosts.commands).toEqual(["find", "find", "find", "find"]);
  });

  it("GET /api/participantConnections/connected-users – the host may read anyone's; another participant is a 403 forbidden", async () => {
    const { host, eventId, me, ada } = await withProfiles();
    const asHost = await connectedUsers(eventId, host.token, me).expect(200);
    expect(asHost.body.map((row: { participantId: string }) => row.participantId)).toHaveLength(2);
    expectError(await connectedUsers(eventId, ada.token, me), 403, "forbidden");
    expect((await connectedUsers(eventId, ada.token, ada).expect(200)).body).toEqual([]);
  });

  it("GET /api/participantConnections/connected-users – unknown participant or event is a 404; missing or bad ids a 400; no token a 401", async () => {
    const { eventId, me } = await withProfiles();
    expectError(
      await api()
        .get(`/api/participantConnections/connected-users?participantId=${newObjectId()}&eventId=${eventId}`)
        .set(...bearer(me.token)),
      404,
      "not_found",
    );
    expectError(
      await api()
        .get(`/api/participantConnections/connected-users?participantId=${me.participantId}&eventId=${newObjectId()}`)
        .set(...bearer(me.token)),
      404,
      "not_found",
    );
    const bad = await api()
      .get("/api/participantConnections/connected-users?participantId=zzz")
      .set(...bearer(me.token));
    expectError(bad, 400, "invalid_input");
    expect(bad.body.issues.map((issue: { path: string }) => issue.path).sort()).toEqual(["eventId", "participantId"]);
    expectError(
      await api().get(
        `/api/participantConnections/connected-users?participantId=${me.participantId}&eventId=${eventId}`,
      ),
      401,
      "unauthorized",
    );
  });
});
