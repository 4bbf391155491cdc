import { describe, expect, it } from "vitest";
import { Event } from "../src/models/event";
import { releaseSeqs, reservedSeqs, reserveSeqs } from "../src/realtime/sequence";
import { dashboardGrid } from "./support/bingo-grids";
import { createBingoEvent, markSquare, type Player } from "./support/factories";
import {
  api,
  bearer,
  countCommands,
  createEvent,
  createHost,
  createUser,
  expectError,
  newObjectId,
  publishedTo,
  type TestUser,
} from "./support/harness";
import { expectSeqsSettled } from "./support/seqs";

function recordSquare(eventId: string, token: string | null, body: Record<string, unknown>) {
  const req = api().post(`/api/events/${eventId}/bingo`);
  return token ? req.set(...bearer(token)).send(body) : req.send(body);
}

async function markOk(eventId: string, player: Player, row: number, col: number, other: Player) {
  const res = await markSquare(eventId, player, row, col, other);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res;
}

/** The bingo-achieved payloads published, in order, without their activity-log `seq`. */
function achievementsPublished(eventId: string) {
  const published = publishedTo(eventId).filter((event) => event.name === "bingo-achieved");
  const seqs = published.map((event) => event.data.seq);
  expect(new Set(seqs).size).toBe(seqs.length);
  for (const seq of seqs) expect(seq).toEqual(expect.any(Number));
  return published.map(({ data: { seq: _seq, ...payload } }) => payload);
}

function achievement(player: Player, achievementType: "line" | "card") {
  return { participantId: player.participantId, participantName: player.name, achievementType };
}

function issuePaths(res: { body: { issues: { path: string }[] } }): string[] {
  return res.body.issues.map((issue) => issue.path).sort();
}

describe("GET /api/events/:eventId/bingo", () => {
  it("GET /api/events/:eventId/bingo – public: the size and the grid as rows, no card without a token", async () => {
    const { eventId } = await createBingoEvent(0, { start: false });
    const res = await api().get(`/api/events/${eventId}/bingo`).expect(200);
    expect(res.body).toEqual({ success: true, bingo: { size: 3, grid: dashboardGrid(3), description: "" } });
  });

  it("GET /api/events/:eventId/bingo – an event created without a grid has a drawn 5×5 of distinct prompts", async () => {
    const event = await createEvent(await createHost());
    const res = await api().get(`/api/events/${event._id}/bingo`).expect(200);
    expect(res.body.bingo.size).toBe(5);
    expect(res.body.bingo.grid).toHaveLength(5);
    const squares = res.body.bingo.grid.flat();
    expect(squares).toHaveLength(25);
    for (const square of squares)
      expect(square).toEqual({ question: expect.any(String), shortQuestion: expect.any(String) });
    expect(new Set(squares.map((square: { question: string }) => square.question)).size).toBe(25);
  });

  it("GET /api/events/:eventId/bingo – a square without shortQuestion comes back without one", async () => {
    const grid: { question: string; shortQuestion?: string }[][] = dashboardGrid(3);
    grid[1]?.splice(1, 1, { question: "Find someone who brought a business card" });
    const event = await createEvent(await createHost(), { bingo: { grid } });
    const res = await api().get(`/api/events/${event._id}/bingo`).expect(200);
    expect(res.body.bingo.grid[1][1]).toEqual({ question: "Find someone who brought a business card" });
  });

  it("GET /api/events/:eventId/bingo – a participant's token adds their card: empty first, then their marks", async () => {
    const { eventId, players } = await createBingoEvent(2);
    const [me, other] = players as [Player, Player];
    const before = await api()
      .get(`/api/events/${eventId}/bingo`)
      .set(...bearer(me.token))
      .expect(200);
    expect(before.body).toEqual({
      success: true,
      bingo: { size: 3, grid: dashboardGrid(3), description: "" },
      card: { marks: [], linesCompleted: 0, completed: false },
    });

    await markOk(eventId, me, 2, 1, other);
    const after = await api()
      .get(`/api/events/${eventId}/bingo`)
      .set(...bearer(me.token))
      .expect(200);
    expect(after.body.card).toEqual({
      marks: [{ row: 2, col: 1, participantId: other.participantId, name: other.name }],
      linesCompleted: 0,
      completed: false,
    });
  });

  it("GET /api/events/:eventId/bingo – the token of someone who did not join gets the grid and no card", async () => {
    const { eventId } = await createBingoEvent(1);
    const outsider = await createUser({ name: "Outsider" });
    const res = await api()
      .get(`/api/events/${eventId}/bingo`)
      .set(...bearer(outsider.token))
      .expect(200);
    expect(res.body).toEqual({ success: true, bingo: { size: 3, grid: dashboardGrid(3), description: "" } });
  });

  it("GET /api/events/:eventId/bingo – an unknown event is a 404 not_found", async () => {
    expectError(await api().get(`/api/events/${newObjectId()}/bingo`), 404, "not_found");
  });

  it("GET /api/events/:eventId/bingo – a malformed event id is a 400 invalid_input", async () => {
    const res = await api().get("/api/events/not-an-id/bingo");
    expectError(res, 400, "invalid_input");
    expect(issuePaths(res)).toEqual(["eventId"]);
  });
});

describe("PUT /api/events/:eventId/bingo", () => {
  function replaceGrid(eventId: string, user: TestUser | null, body: unknown) {
    const req = api().put(`/api/events/${eventId}/bingo`);
    return user ? req.set(...bearer(user.token)).send(body as object) : req.send(body as object);
  }

  it("PUT /api/events/:eventId/bingo – the host replaces the grid while pending: 200 with the new grid, which GET then shows", async () => {
    const { host, eventId } = await createBingoEvent(0, { start: false });
    const res = await replaceGrid(eventId, host, { grid: dashboardGrid(4), ignored: true });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, bingo: { size: 4, grid: dashboardGrid(4), description: "" } });
    const read = await api().get(`/api/events/${eventId}/bingo`).expect(200);
    expect(read.body.bingo).toEqual({ size: 4, grid: dashboardGrid(4), description: "" });
  });

  it("PUT /api/events/:eventId/bingo – once the event is active it is a 409 event_not_pending and the grid stays", async () => {
    const { host, eventId } = await createBingoEvent(0);
    expectError(await replaceGrid(eventId, host, { grid: dashboardGrid(5) }), 409, "event_not_pending");
    const read = await api().get(`/api/events/${eventId}/bingo`).expect(200);
    expect(read.body.bingo.size).toBe(3);
  });

  it("PUT /api/events/:eventId/bingo – an ended event is a 409 event_not_pending", async () => {
    const { host, eventId } = await createBingoEvent(0);
    await api()
      .post(`/api/events/${eventId}/end`)
      .set(...bearer(host.token))
      .expect(200);
    expectError(await replaceGrid(eventId, host, { grid: dashboardGrid(3) }), 409, "event_not_pending");
  });

  it("PUT /api/events/:eventId/bingo – someone other than the host is a 403 forbidden", async () => {
    const { eventId } = await createBingoEvent(0, { start: false });
    expectError(
      await replaceGrid(eventId, await createUser({ name: "Not The Host" }), { grid: dashboardGrid(3) }),
      403,
      "forbidden",
    );
  });

  it("PUT /api/events/:eventId/bingo – no token is a 401 unauthorized", async () => {
    const { eventId } = await createBingoEvent(0, { start: false });
    expectError(await replaceGrid(eventId, null, { grid: dashboardGrid(3) }), 401, "unauthorized");
  });

  it("PUT /api/events/:eventId/bingo – a grid that is not square, too small or too big is a 400 invalid_input", async () => {
    const { host, eventId } = await createBingoEvent(0, { start: false });
    const ragged = dashboardGrid(4);
    ragged[2]?.pop();
    for (const grid of [ragged, dashboardGrid(2), dashboardGrid(6), [], "rows"]) {
      const res = await replaceGrid(eventId, host, { grid });
      expectError(res, 400, "invalid_input");
      expect(issuePaths(res)[0]).toMatch(/^grid/);
    }
    expectError(await replaceGrid(eventId, host, {}), 400, "invalid_input");
  });

  it("PUT /api/events/:eventId/bingo – an unknown event is a 404 not_found, a malformed id a 400 invalid_input", async () => {
    const host = await createHost();
    expectError(await replaceGrid(newObjectId(), host, { grid: dashboardGrid(3) }), 404, "not_found");
    expectError(await replaceGrid("123", host, { grid: dashboardGrid(3) }), 400, "invalid_input");
  });
});

describe("POST /api/events/:eventId/bingo", () => {
  it("POST /api/events/:eventId/bingo – records a square: 200 with the card and no achievement", async () => {
    const { eventId, players } = await createBingoEvent(2);
    const [me, other] = players as [Player, Player];
    const res = await markSquare(eventId, me, 1, 2, other);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      card: {
        marks: [{ row: 1, col: 2, participantId: other.participantId, name: other.name }],
        linesCompleted: 0,
        completed: false,
      },
      achievements: [],
    });
    expect(achievementsPublished(eventId)).toEqual([]);
  });

  it("POST /api/events/:eventId/bingo – a pending event is a 409 event_not_active", async () => {
    const { eventId, players } = await createBingoEvent(2, { start: false });
    const [me, other] = players as [Player, Player];
    expectError(await markSquare(eventId, me, 0, 0, other), 409, "event_not_active");
  });

  it("POST /api/events/:eventId/bingo – an ended event is a 409 event_not_active", async () => {
    const { host, eventId, players } = await createBingoEvent(2);
    const [me, other] = players as [Player, Player];
    await api()
      .post(`/api/events/${eventId}/end`)
      .set(...bearer(host.token))
      .expect(200);
    expectError(await markSquare(eventId, me, 0, 0, other), 409, "event_not_active");
  });

  it("POST /api/events/:eventId/bingo – a caller who is not a participant (even the host) is a 403 forbidden", async () => {
    const { host, eventId, players } = await createBingoEvent(1);
    const outsider = await createUser({ name: "Outsider" });
    for (const user of [outsider, host]) {
      const res = await recordSquare(eventId, user.token, { row: 0, col: 0, participantId: players[0]?.participantId });
      expectError(res, 403, "forbidden");
    }
  });

  it("POST /api/events/:eventId/bingo – marking yourself is a 400 invalid_input on participantId", async () => {
    const { eventId, players } = await createBingoEvent(1);
    const [me] = players as [Player];
    const res = await markSquare(eventId, me, 0, 0, me);
    expectError(res, 400, "invalid_input");
    expect(res.body.issues).toEqual([{ path: "participantId", message: expect.stringContaining("you") }]);
  });

  it("POST /api/events/:eventId/bingo – a participant of another event is a 400 invalid_input on participantId", async () => {
    const { eventId, players } = await createBingoEvent(1);
    const elsewhere = await createBingoEvent(1);
    const res = await markSquare(eventId, players[0] as Player, 0, 0, elsewhere.players[0] as Player);
    expectError(res, 400, "invalid_input");
    expect(res.body.issues).toEqual([{ path: "participantId", message: "is not a participant of this event" }]);
  });

  it("POST /api/events/:eventId/bingo – an id that is no participant at all is a 400 invalid_input on participantId", async () => {
    const { eventId, players } = await createBingoEvent(1);
    const res = await recordSquare(eventId, players[0]?.token ?? null, {
      row: 0,
      col: 0,
      participantId: newObjectId(),
    });
    expectError(res, 400, "invalid_input");
    expect(issuePaths(res)).toEqual(["participantId"]);
  });

  it("POST /api/events/:eventId/bingo – a row or column off a 3×3 grid is a 400 invalid_input naming both", async () => {
    const { eventId, players } = await createBingoEvent(2);
    const [me, other] = players as [Player, Player];
    const both = await markSquare(eventId, me, 3, 4, other);
    expectError(both, 400, "invalid_input");
    expect(issuePaths(both)).toEqual(["col", "row"]);
    for (const [row, col, path] of [
      [0, 3, "col"],
      [5, 0, "row"],
      [-1, 0, "row"],
      [0, 1.5, "col"],
    ] as const) {
      const res = await markSquare(eventId, me, row, col, other);
      expectError(res, 400, "invalid_input");
      expect(issuePaths(res)).toEqual([path]);
    }
  });

  it("POST /api/events/:eventId/bingo – a square already filled is a 409 square_taken", async () => {
    const { eventId, players } = await createBingoEvent(3);
    const [me, first, second] = players as [Player, Player, Player];
    await markOk(eventId, me, 1, 1, first);
    expectError(await markSquare(eventId, me, 1, 1, second), 409, "square_taken");
  });

  it("POST /api/events/:eventId/bingo – someone already on another square of your card is a 409 participant_already_used", async () => {
    const { eventId, players } = await createBingoEvent(2);
    const [me, other] = players as [Player, Player];
    await markOk(eventId, me, 0, 0, other);
    expectError(await markSquare(eventId, me, 2, 2, other), 409, "participant_already_used");
  });

  it("POST /api/events/:eventId/bingo – cards are separate: two people may both use the same square and the same person", async () => {
    const { eventId, players } = await createBingoEvent(3);
    const [a, b, c] = players as [Player, Player, Player];
    await markOk(eventId, a, 0, 0, c);
    await markOk(eventId, b, 0, 0, c);
  });

  it("POST /api/events/:eventId/bingo – malformed ids and bodies are a 400 invalid_input, never a 500", async () => {
    const { eventId, players } = await createBingoEvent(2);
    const [me, other] = players as [Player, Player];
    const cases: [string, Record<string, unknown>, string[]][] = [
      [eventId, { row: 0, col: 0, participantId: "nope" }, ["participantId"]],
      [eventId, { row: 0, col: 0, participantId: { $gt: "" } }, ["participantId"]],
      [eventId, { row: { $gt: -1 }, col: "0", participantId: other.participantId }, ["col", "row"]],
      [eventId, {}, ["col", "participantId", "row"]],
      ["not-an-event", { row: 0, col: 0, participantId: other.participantId }, ["eventId"]],
    ];
    for (const [id, body, paths] of cases) {
      const res = await recordSquare(id, me.token, body);
      expectError(res, 400, "invalid_input");
      expect(issuePaths(res)).toEqual(paths);
    }
  });

  it("POST /api/events/:eventId/bingo – an unknown event is a 404 not_found", async () => {
    const { players } = await createBingoEvent(2);
    const [me, other] = players as [Player, Player];
    expectError(
      await recordSquare(newObjectId(), me.token, { row: 0, col: 0, participantId: other.participantId }),
      404,
      "not_found",
    );
  });

  it("POST /api/events/:eventId/bingo – no token or a bad token is a 401 unauthorized", async () => {
    const { eventId, players } = await createBingoEvent(2);
    const body = { row: 0, col: 0, participantId: players[1]?.participantId };
    expectError(await recordSquare(eventId, null, body), 401, "unauthorized");
    expectError(await recordSquare(eventId, "not.a.token", body), 401, "unauthorized");
  });

  it("POST /api/events/:eventId/bingo – a completed row publishes exactly one bingo-achieved line", async () => {
    const { eventId, players } = await createBingoEvent(4);
    const [me, a, b, c] = players as [Player, Player, Player, Player];
    await markOk(eventId, me, 0, 0, a);
    await markOk(eventId, me, 0, 1, b);
    expect(achievementsPublished(eventId)).toEqual([]);
    const res = await markOk(eventId, me, 0, 2, c);
    expect(res.body.achievements).toEqual([achievement(me, "line")]);
    expect(res.body.card).toMatchObject({ linesCompleted: 1, completed: false });
    expect(achievementsPublished(eventId)).toEqual([achievement(me, "line")]);
  });

  it("POST /api/events/:eventId/bingo – one square that completes a row and a column publishes two line events", async () => {
    const { eventId, players } = await createBingoEvent(6);
    const [me, a, b, c, d, e] = players as [Player, Player, Player, Player, Player, Player];
    await markOk(eventId, me, 0, 0, a);
    await markOk(eventId, me, 0, 1, b);
    await markOk(eventId, me, 1, 2, c);
    await markOk(eventId, me, 2, 2, d);
    const res = await markOk(eventId, me, 0, 2, e);
    expect(res.body.achievements).toEqual([achievement(me, "line"), achievement(me, "line")]);
    expect(res.body.card.linesCompleted).toBe(2);
    expect(achievementsPublished(eventId)).toEqual([achievement(me, "line"), achievement(me, "line")]);
  });

  it("POST /api/events/:eventId/bingo – filling the whole card publishes one card event after its lines, and all 8 lines once", async () => {
    const { eventId, players } = await createBingoEvent(10);
    const [me, ...others] = players as [Player, ...Player[]];
    let last: Awaited<ReturnType<typeof markOk>> | undefined;
    for (let square = 0; square < 9; square++)
      last = await markOk(eventId, me, Math.floor(square / 3), square % 3, others[square] as Player);
    // The last square closes row 2, column 2 and the main diagonal, then the card.
    expect(last?.body.achievements).toEqual([
      achievement(me, "line"),
      achievement(me, "line"),
      achievement(me, "line"),
      achievement(me, "card"),
    ]);
    expect(last?.body.card).toMatchObject({ linesCompleted: 8, completed: true });
    expect(last?.body.card.marks).toHaveLength(9);
    const published = achievementsPublished(eventId);
    expect(published.filter((data) => data.achievementType === "line")).toHaveLength(8);
    expect(published.filter((data) => data.achievementType === "card")).toEqual([achievement(me, "card")]);
    expect(published).toHaveLength(9);
  });

  it("POST /api/events/:eventId/bingo – repeating the same mark is a 200 with the same card and no new realtime event", async () => {
    const { eventId, players } = await createBingoEvent(4);
    const [me, a, b, c] = players as [Player, Player, Player, Player];
    await markOk(eventId, me, 0, 0, a);
    await markOk(eventId, me, 0, 1, b);
    const first = await markOk(eventId, me, 0, 2, c);
    const publishedBefore = publishedTo(eventId).length;
    const retry = await markOk(eventId, me, 0, 2, c);
    expect(retry.body).toEqual({ success: true, card: first.body.card, achievements: [] });
    expect(publishedTo(eventId)).toHaveLength(publishedBefore);
    expect(achievementsPublished(eventId)).toEqual([achievement(me, "line")]);
  });

  it("POST /api/events/:eventId/bingo – concurrent marks by one participant that together complete a line publish exactly one line", async () => {
    const { eventId, players } = await createBingoEvent(7);
    const [me, ...others] = players as [Player, ...Player[]];
    const o = others as [Player, Player, Player, Player, Player, Player];
    // A fresh card: all three upserts race to create it.
    const row = await Promise.all([
      markSquare(eventId, me, 0, 0, o[0]),
      markSquare(eventId, me, 0, 1, o[1]),
      markSquare(eventId, me, 0, 2, o[2]),
    ]);
    expect(row.map((res) => res.status)).toEqual([200, 200, 200]);
    expect(row.flatMap((res) => res.body.achievements)).toEqual([achievement(me, "line")]);
    // An existing card: the last two squares of a column arrive together.
    await markOk(eventId, me, 1, 0, o[3]);
    const column = await Promise.all([markSquare(eventId, me, 2, 0, o[4]), markSquare(eventId, me, 2, 2, o[5])]);
    expect(column.map((res) => res.status)).toEqual([200, 200]);
    expect(achievementsPublished(eventId)).toEqual([achievement(me, "line"), achievement(me, "line")]);
    const card = await api()
      .get(`/api/events/${eventId}/bingo`)
      .set(...bearer(me.token))
      .expect(200);
    expect(card.body.card).toMatchObject({ linesCompleted: 2, completed: false });
    expect(card.body.card.marks).toHaveLength(6);
  });

  it("POST /api/events/:eventId/bingo – a retry racing its original still publishes the line once", async () => {
    const { eventId, players } = await createBingoEvent(4);
    const [me, a, b, c] = players as [Player, Player, Player, Player];
    await markOk(eventId, me, 0, 0, a);
    await markOk(eventId, me, 0, 1, b);
    const both = await Promise.all([markSquare(eventId, me, 0, 2, c), markSquare(eventId, me, 0, 2, c)]);
    expect(both.map((res) => res.status)).toEqual([200, 200]);
    expect(both.flatMap((res) => res.body.achievements)).toEqual([achievement(me, "line")]);
    expect(achievementsPublished(eventId)).toEqual([achievement(me, "line")]);
  });

  it("POST /api/events/:eventId/bingo – concurrent marks of the same square: one wins, the other is a 409 square_taken", async () => {
    const { eventId, players } = await createBingoEvent(5);
    const [me, a, b, c, d] = players as [Player, Player, Player, Player, Player];
    // Once on a fresh card, once on a card that already has a mark.
    for (const [first, second, row] of [
      [a, b, 1],
      [c, d, 2],
    ] as const) {
      const results = await Promise.all([
        markSquare(eventId, me, row, 1, first),
        markSquare(eventId, me, row, 1, second),
      ]);
      expect(results.map((res) => res.status).sort()).toEqual([200, 409]);
      expectError(results.find((res) => res.status === 409) as { status: number; body: unknown }, 409, "square_taken");
    }
    const card = await api()
      .get(`/api/events/${eventId}/bingo`)
      .set(...bearer(me.token))
      .expect(200);
    expect(card.body.card.marks).toHaveLength(2);
  });

  it("POST /api/events/:eventId/bingo – all nine squares marked at once: nine 200s, every line once and the card once", async () => {
    const { eventId, players } = await createBingoEvent(10);
    const [me, ...others] = players as [Player, ...Player[]];
    const results = await Promise.all(
      others.map((other, square) => markSquare(eventId, me, Math.floor(square / 3), square % 3, other)),
    );
    expect(results.map((res) => res.status)).toEqual(Array(9).fill(200));
    const published = achievementsPublished(eventId);
    expect(published.filter((data) => data.achievementType === "line")).toHaveLength(8);
    expect(published.filter((data) => data.achievementType === "card")).toEqual([achievement(me, "card")]);
    expect(results.flatMap((res) => res.body.achievements)).toHaveLength(9);
    const card = await api()
      .get(`/api/events/${eventId}/bingo`)
      .set(...bearer(me.token))
      .expect(200);
    expect(card.body.card).toMatchObject({ linesCompleted: 8, completed: true });
    expect(card.body.card.marks).toHaveLength(9);
  });

  it("POST /api/events/:eventId/bingo – the same person on two squares at once: one wins, the other is a 409 participant_already_used", async () => {
    const { eventId, players } = await createBingoEvent(2);
    const [me, other] = players as [Player, Player];
    const results = await Promise.all([markSquare(eventId, me, 0, 0, other), markSquare(eventId, me, 2, 2, other)]);
    expect(results.map((res) => res.status).sort()).toEqual([200, 409]);
    expectError(
      results.find((res) => res.status === 409) as { status: number; body: unknown },
      409,
      "participant_already_used",
    );
  });

  // Issue 21: the event is read by the command that reserves the seq of the mark's
  // leaderboard-updated, and the caller's photo with the caller, so a plain mark takes 8; only a
  // mark that achieves something reserves the seqs of its bingo-achieved in one more command.
  it("POST /api/events/:eventId/bingo – the happy path takes 8 database commands; a new line adds one", async () => {
    const { eventId, players } = await createBingoEvent(4);
    const [me, a, b, c] = players as [Player, Player, Player, Player];
    await markOk(eventId, me, 0, 0, a);
    const plain = await countCommands(() => markOk(eventId, me, 0, 1, b));
    const line = await countCommands(() => markOk(eventId, me, 0, 2, c));
    console.log(
      `bingo square round trips: ${plain.commands.length} (${plain.commands.join(", ")}); completing a line: ${line.commands.length} (${line.commands.join(", ")})`,
    );
    // The event read with the seq of its leaderboard-updated reserved (state active the
    // condition), the caller (with the photo their participant keeps) and the other person (one
    // query), the caller's card, the pair's connection, the new version, the caller's people met,
    // the activity-log entry, and (issue 17) the update that ends the write's in-flight count, so
    // that only an event with a cut write is ever repaired.
    const mark = ["findAndModify", "find", "find", "insert", "insert", "aggregate", "insert", "update"];
    expect([...plain.commands].sort()).toEqual([...mark].sort());
    // The line's seq is reserved in one more findAndModify and logged in the same insert.
    expect([...line.commands].sort()).toEqual([...mark, "findAndModify"].sort());
  });

  // The seq of a mark's leaderboard-updated is reserved with the read of the event, before the
  // referee rules: every answer but a new version gives it back (taken back when no write
  // reserved one since, else a gap), and a lost race keeps the seqs it holds for its next pass
  // (counting what it no longer needs as gaps).
  it("POST /api/events/:eventId/bingo – refusals, repeats and races leave every seq logged or a gap, and no write in flight", async () => {
    const { eventId, players } = await createBingoEvent(6);
    const [me, a, b, c, d, e] = players as [Player, Player, Player, Player, Player, Player];
    const outsider = await createUser();
    await markOk(eventId, me, 0, 0, a);
    const before = await Event.findById(eventId, { lastSeq: 1, seqGaps: 1 }).lean();
    expectError(await markSquare(eventId, me, 0, 0, b), 409, "square_taken");
    expectError(await markSquare(eventId, me, 1, 1, a), 409, "participant_already_used");
    await markOk(eventId, me, 0, 0, a);
    expectError(
      await recordSquare(eventId, me.token, { row: 3, col: 0, participantId: b.participantId }),
      400,
      "invalid_input",
    );
    expectError(
      await recordSquare(eventId, outsider.token, { row: 1, col: 1, participantId: b.participantId }),
      403,
      "forbidden",
    );
    // Five refusals or repeats, each one seq handed out and, as no other write reserved one
    // meanwhile, taken back: no gap for listeners to fetch over.
    const after = await Event.findById(eventId, { lastSeq: 1, seqGaps: 1 }).lean();
    expect(after).toMatchObject({ lastSeq: before?.lastSeq, seqGaps: before?.seqGaps });
    await expectSeqsSettled(eventId);

    // Racing marks on one card: the first row completes a line, whichever pass gets there.
    const results = await Promise.all([
      markSquare(eventId, me, 0, 1, b),
      markSquare(eventId, me, 0, 2, c),
      markSquare(eventId, me, 1, 0, d),
      markSquare(eventId, me, 2, 0, e),
    ]);
    expect(results.map((res) => res.status)).toEqual([200, 200, 200, 200]);
    expect(achievementsPublished(eventId).filter((x) => x.achievementType === "line")).toHaveLength(2);
    await expectSeqsSettled(eventId);
  });
});

describe("releaseSeqs – a refused write's seqs", () => {
  it("taken back while they are the last handed out; a gap once another write reserved after them; in flight given back either way", async () => {
    const event = await createEvent(await createHost());
    const read = async () => Event.findById(event._id, { lastSeq: 1, seqGaps: 1, inFlight: 1 }).lean();
    const start = await read();
    const refused = await reserveSeqs(event._id, 1);
    if (!refused) throw new Error("the event is there");
    // No write reserved since: the seq is taken back, as if never handed out.
    await releaseSeqs(event._id, reservedSeqs(refused));
    expect(await read()).toMatchObject({ lastSeq: start?.lastSeq, seqGaps: start?.seqGaps, inFlight: 0 });
    // Another write reserves after it: the refused seqs stay handed out and count as gaps.
    const first = await reserveSeqs(event._id, 3);
    const later = await reserveSeqs(event._id, 1);
    if (!first || !later) throw new Error("the event is there");
    await releaseSeqs(event._id, reservedSeqs(first));
    expect(await read()).toMatchObject({
      lastSeq: (start?.lastSeq ?? 0) + 4,
      seqGaps: (start?.seqGaps ?? 0) + 3,
      inFlight: 1,
    });
    // The later one, refused too, is the last again: taken back.
    await releaseSeqs(event._id, reservedSeqs(later));
    expect(await read()).toMatchObject({
      lastSeq: (start?.lastSeq ?? 0) + 3,
      seqGaps: (start?.seqGaps ?? 0) + 3,
      inFlight: 0,
    });
  });
});
