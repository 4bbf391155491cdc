import mongoose from "mongoose";
import { describe, expect, it } from "vitest";
import { api, bearer, createEvent, createHost, expectError, joinAsGuest } from "./support/harness";

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function grid(rows: number, cols = rows) {
  return Array.from({ length: rows }, (_, r) =>
    Array.from({ length: cols }, (_, c) => ({ question: `has done thing ${r}-${c}` })),
  );
}

function issuePaths(res: { body: { issues: { path: string }[] } }): string[] {
  return res.body.issues.map((issue) => issue.path);
}

async function storedEvent(eventId: string): Promise<Record<string, unknown> | null> {
  const events = mongoose.connection.db?.collection("events");
  if (!events) throw new Error("no database connection");
  return events.findOne({ _id: new mongoose.Types.ObjectId(eventId) });
}

describe("POST /api/events/createEvent", () => {
  it("POST /api/events/createEvent – a registered user creates a pending event: 201 with the whole event object", async () => {
    const host = await createHost();
    const res = await api()
      .post("/api/events/createEvent")
      .set(...bearer(host.token))
      .send({
        name: "  Founders Mixer  ",
        description: "Drinks and bingo",
        startDate: "2030-05-01T18:00:00Z",
        endDate: "2030-05-01T21:00:00.000Z",
        maxParticipant: 40,
      });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      success: true,
      event: {
        _id: expect.stringMatching(/^[0-9a-f]{24}$/),
        name: "Founders Mixer",
        description: "Drinks and bingo",
        joinCode: expect.stringMatching(/^\d{8}$/),
        startDate: "2030-05-01T18:00:00.000Z",
        endDate: "2030-05-01T21:00:00.000Z",
        maxParticipant: 40,
        meetingProof: "claim",
        participantCount: 0,
        joinsLocked: false,
        guestsAllowed: true,
        state: "pending",
        currentState: "Upcoming",
        gameType: "Name Bingo",
        startedAt: null,
        endedAt: null,
        createdBy: host.userId,
        createdAt: expect.stringMatching(ISO_TIMESTAMP),
        updatedAt: expect.stringMatching(ISO_TIMESTAMP),
        participantIds: [],
      },
    });
  });

  it("POST /api/events/createEvent – the dashboard's body (currentState Upcoming, gameType Name Bingo) creates a pending event", async () => {
    const host = await createHost();
    const res = await api()
      .post("/api/events/createEvent")
      .set(...bearer(host.token))
      .send({
        name: "Dashboard Mixer",
        description: "From the host dashboard",
        startDate: "2030-05-01T18:00:00.000Z",
        endDate: "2030-05-01T21:00:00.000Z",
        maxParticipant: 30,
        currentState: "Upcoming",
        gameType: "Name Bingo",
      });
    expect(res.status).toBe(201);
    expect(res.body.success).toBe(true);
    expect(res.body.event).toMatchObject({
      _id: expect.stringMatching(/^[0-9a-f]{24}$/),
      joinCode: expect.stringMatching(/^\d{8}$/),
      state: "pending",
      currentState: "Upcoming",
      gameType: "Name Bingo",
      maxParticipant: 30,
    });
    const stored = await storedEvent(res.body.event._id);
    expect(stored?.currentState).toBe("pending");
    expect(stored).not.toHaveProperty("gameType");
  });

  it("POST /api/events/createEvent – a currentState other than Upcoming/pending or another gameType is a 400", async () => {
    const host = await createHost();
    for (const [body, path] of [
      [{ currentState: "In Progress" }, "currentState"],
      [{ currentState: "active" }, "currentState"],
      [{ currentState: "upcoming" }, "currentState"],
      [{ gameType: "Trivia" }, "gameType"],
      [{ gameType: { $ne: "" } }, "gameType"],
    ] as const) {
      const res = await api()
        .post("/api/events/createEvent")
        .set(...bearer(host.token))
        .send({ name: "Wrong words", ...body });
      expectError(res, 400, "invalid_input");
      expect(issuePaths(res), JSON.stringify(body)).toEqual([path]);
    }
    const events = mongoose.connection.db?.collection("events");
    expect(await events?.countDocuments({ name: "Wrong words" })).toBe(0);
  });

  it("POST /api/events/createEvent – only a name gives defaults: empty description, null dates and no limit", async () => {
    const host = await createHost();
    const res = await api()
      .post("/api/events/createEvent")
      .set(...bearer(host.token))
      .send({ name: "Just a name" })
      .expect(201);
    expect(res.body.event).toMatchObject({
      name: "Just a name",
      description: "",
      startDate: null,
      endDate: null,
      maxParticipant: null,
      participantCount: 0,
      state: "pending",
      currentState: "Upcoming",
      gameType: "Name Bingo",
    });
  });

  it("POST /api/events/createEvent – the event is stored with the given bingo grid flattened row-major", async () => {
    const host = await createHost();
    const event = await createEvent(host, { bingo: { grid: grid(3) } });
    const stored = await storedEvent(event._id);
    expect(stored?.bingo).toEqual({ size: 3, grid: grid(3).flat(), description: "" });
  });

  it("POST /api/events/createEvent – without a grid the event gets a 5×5 one", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const stored = (await storedEvent(event._id)) as { bingo: { size: number; grid: unknown[] } } | null;
    expect(stored?.bingo.size).toBe(5);
    expect(stored?.bingo.grid).toHaveLength(25);
  });

  it("POST /api/events/createEvent – a guest token is a 403 forbidden and creates nothing", async () => {
    const host = await createHost();
    const lobby = await createEvent(host);
    const guest = await joinAsGuest(lobby._id, "Guest Gabe");
    expect(guest.status).toBe(201);

    const res = await api()
      .post("/api/events/createEvent")
      .set(...bearer(guest.body.token))
      .send({ name: "Guest party" });
    expectError(res, 403, "forbidden");
    const events = mongoose.connection.db?.collection("events");
    expect(await events?.countDocuments({ name: "Guest party" })).toBe(0);
  });

  it("POST /api/events/createEvent – no token is a 401 unauthorized", async () => {
    expectError(await api().post("/api/events/createEvent").send({ name: "Anonymous party" }), 401, "unauthorized");
  });

  it("POST /api/events/createEvent – an endDate before (or equal to) startDate is a 400 on path endDate", async () => {
    const host = await createHost();
    for (const endDate of ["2030-05-01T17:00:00Z", "2030-05-01T18:00:00Z"]) {
      const res = await api()
        .post("/api/events/createEvent")
        .set(...bearer(host.token))
        .send({ name: "Backwards", startDate: "2030-05-01T18:00:00Z", endDate });
      expectError(res, 400, "invalid_input");
      expect(issuePaths(res)).toEqual(["endDate"]);
    }
  });

  it("POST /api/events/createEvent – a grid that is not square or not 3×3 to 5×5 is a 400 on path bingo.grid", async () => {
    const host = await createHost();
    const cases = [
      { name: "non-square", grid: grid(3, 4) },
      { name: "ragged", grid: [...grid(3).slice(0, 2), grid(1, 2)[0]] },
      { name: "2×2", grid: grid(2) },
      { name: "6×6", grid: grid(6) },
      { name: "empty", grid: [] },
    ];
    for (const { name, grid: badGrid } of cases) {
      const res = await api()
        .post("/api/events/createEvent")
        .set(...bearer(host.token))
        .send({ name: `Bad grid ${name}`, bingo: { grid: badGrid } });
      expectError(res, 400, "invalid_input");
      expect(
        issuePaths(res).every((path) => path.startsWith("bingo.grid")),
        `${name}: ${issuePaths(res)}`,
      ).toBe(true);
    }
  });

  it("POST /api/events/createEvent – a grid square without a question is a 400 naming the square", async () => {
    const host = await createHost();
    const badGrid = grid(3).map((row, r) => row.map((square, c) => (r === 1 && c === 2 ? { question: "" } : square)));
    const res = await api()
      .post("/api/events/createEvent")
      .set(...bearer(host.token))
      .send({ name: "Blank square", bingo: { grid: badGrid } });
    expectError(res, 400, "invalid_input");
    expect(issuePaths(res)).toEqual(["bingo.grid.1.2.question"]);
  });

  it("POST /api/events/createEvent – maxParticipant that is not a positive integer is a 400 on path maxParticipant", async () => {
    const host = await createHost();
    for (const maxParticipant of [0, -1, 1.5, "ten", "10"]) {
      const res = await api()
        .post("/api/events/createEvent")
        .set(...bearer(host.token))
        .send({ name: "Bad capacity", maxParticipant });
      expectError(res, 400, "invalid_input");
      expect(issuePaths(res), `maxParticipant ${JSON.stringify(maxParticipant)}`).toEqual(["maxParticipant"]);
    }
  });

  it("POST /api/events/createEvent – several problems at once are all listed", async () => {
    const host = await createHost();
    const res = await api()
      .post("/api/events/createEvent")
      .set(...bearer(host.token))
      .send({ name: "", startDate: "yesterday", maxParticipant: 0, bingo: { grid: grid(2) } });
    expectError(res, 400, "invalid_input");
    expect(new Set(issuePaths(res).map((path) => path.split(".")[0]))).toEqual(
      new Set(["name", "startDate", "maxParticipant", "bingo"]),
    );
  });

  it("POST /api/events/createEvent – operator objects in fields are a 400", async () => {
    const host = await createHost();
    const res = await api()
      .post("/api/events/createEvent")
      .set(...bearer(host.token))
      .send({ name: { $gt: "" }, maxParticipant: { $gt: 0 } });
    expectError(res, 400, "invalid_input");
    expect(issuePaths(res).sort()).toEqual(["maxParticipant", "name"]);
  });

  it("POST /api/events/createEvent – unknown fields cannot set state, host, code or counts", async () => {
    const host = await createHost();
    const res = await api()
      .post("/api/events/createEvent")
      .set(...bearer(host.token))
      .send({
        name: "Sneaky",
        state: "active",
        createdBy: "0123456789abcdef01234567",
        joinCode: "12345678",
        participantCount: 99,
        openSeats: 0,
        color: "red",
      })
      .expect(201);
    expect(res.body.event).toMatchObject({
      state: "pending",
      currentState: "Upcoming",
      createdBy: host.userId,
      participantCount: 0,
    });
    const stored = await storedEvent(res.body.event._id);
    expect(stored).not.toHaveProperty("color");
    expect(stored?.openSeats).not.toBe(0);
  });

  it("POST /api/events/createEvent – two events get different join codes", async () => {
    const host = await createHost();
    const events = await Promise.all([createEvent(host), createEvent(host), createEvent(host)]);
    const codes = events.map((event) => event.joinCode);
    for (const code of codes) expect(code).toMatch(/^\d{8}$/);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
