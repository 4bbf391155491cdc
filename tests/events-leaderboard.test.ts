import { describe, expect, it } from "vitest";
import { Participant } from "../src/models/participant";
import { User } from "../src/models/user";
import { createBingoEvent, markSquare, type Player, recordMeeting } from "./support/factories";
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
} from "./support/harness";

/** `player` fills each [row, col] with the next participant of `others` who is not them. */
async function fill(eventId: string, player: Player, squares: [number, number][], everyone: Player[]) {
  const others = everyone.filter((other) => other.participantId !== player.participantId);
  for (const [i, [row, col]] of squares.entries()) {
    const other = others[i];
    if (!other) throw new Error(`no one left to fill square ${row}-${col}`);
    const res = await markSquare(eventId, player, row, col, other);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
}

/** A row of the board; every mark records a connection, so people met default to the squares filled. */
function entry(
  player: Player,
  linesCompleted: number,
  completed: boolean,
  squaresFilled: number,
  connectionsCount = squaresFilled,
) {
  return {
    participantId: player.participantId,
    name: player.name,
    profilePhoto: null,
    connectionsCount,
    linesCompleted,
    completed,
    squaresFilled,
  };
}

const ROW_0: [number, number][] = [
  [0, 0],
  [0, 1],
  [0, 2],
];
// Four squares that complete no row, column or diagonal.
const NO_LINE_4: [number, number][] = [
  [0, 0],
  [0, 1],
  [1, 0],
  [2, 2],
];
const EVERY_SQUARE: [number, number][] = Array.from({ length: 9 }, (_, i) => [Math.floor(i / 3), i % 3]);

describe("GET /api/events/:eventId/leaderboard", () => {
  it("GET /api/events/:eventId/leaderboard – full card, then lines, then squares, then who got there first, then join order", async () => {
    const { eventId, players } = await createBingoEvent(10);
    const p = players as [Player, Player, Player, Player, Player, Player, Player, Player, Player, Player];
    // Joined and marked in an order that differs from the ranking, so only the rules can produce it.
    await fill(eventId, p[6], [[1, 1]], players); // 1 square
    await fill(eventId, p[4], ROW_0, players); // 1 line, 3 squares, reached first
    await fill(eventId, p[5], NO_LINE_4, players); // 4 squares, no line
    await fill(eventId, p[3], ROW_0, players); // 1 line, 3 squares, reached later
    await fill(eventId, p[2], [...ROW_0, [2, 2]], players); // 1 line, 4 squares
    await fill(eventId, p[1], [...ROW_0, [1, 0], [2, 0]], players); // row 0 and column 0
    await fill(eventId, p[0], EVERY_SQUARE, players); // the full card

    const res = await api().get(`/api/events/${eventId}/leaderboard`).expect(200);
    expect(res.body).toEqual([
      entry(p[0], 8, true, 9),
      entry(p[1], 2, false, 5),
      entry(p[2], 1, false, 4),
      entry(p[4], 1, false, 3),
      entry(p[3], 1, false, 3),
      entry(p[5], 0, false, 4),
      entry(p[6], 0, false, 1),
      entry(p[7], 0, false, 0),
      entry(p[8], 0, false, 0),
      entry(p[9], 0, false, 0),
    ]);
  });

  it("GET /api/events/:eventId/leaderboard – public, before anyone marks: every participant with zeros in join order", async () => {
    const { eventId, players } = await createBingoEvent(3);
    const res = await api().get(`/api/events/${eventId}/leaderboard`).expect(200);
    expect(res.body).toEqual(players.map((player) => entry(player, 0, false, 0)));
  });

  it("GET /api/events/:eventId/leaderboard – an event nobody joined has an empty leaderboard", async () => {
    const event = await createEvent(await createHost());
    const res = await api().get(`/api/events/${event._id}/leaderboard`).expect(200);
    expect(res.body).toEqual([]);
  });

  it("GET /api/events/:eventId/leaderboard – a repeated mark does not count twice", async () => {
    const { eventId, players } = await createBingoEvent(2);
    const [me, other] = players as [Player, Player];
    await fill(eventId, me, [[1, 1]], players);
    await fill(eventId, me, [[1, 1]], players);
    const res = await api().get(`/api/events/${eventId}/leaderboard`).expect(200);
    expect(res.body).toEqual([entry(me, 0, false, 1), entry(other, 0, false, 0)]);
  });

  it("GET /api/events/:eventId/leaderboard – an unknown event is a 404 not_found, a malformed id a 400 invalid_input", async () => {
    expectError(await api().get(`/api/events/${newObjectId()}/leaderboard`), 404, "not_found");
    expectError(await api().get("/api/events/zzz/leaderboard"), 400, "invalid_input");
  });

  it("POST /api/events/:eventId/leaderboard – is a 405 with an Allow header", async () => {
    const res = await api().post(`/api/events/${newObjectId()}/leaderboard`);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("GET, OPTIONS");
    expect(res.body).toEqual({
      success: false,
      code: "method_not_allowed",
      error: expect.any(String),
      requestId: res.headers["x-request-id"],
    });
  });

  it("GET /api/events/:eventId/leaderboard – connectionsCount counts distinct people met, by meetings and marks; it breaks ties after squares", async () => {
    const { eventId, players } = await createBingoEvent(4);
    const [me, a, b, c] = players as [Player, Player, Player, Player];
    await recordMeeting(eventId, me, a).expect(201);
    await recordMeeting(eventId, me, b).expect(201);
    // A mark of someone already met is not a second person.
    await fill(eventId, me, [[0, 0]], [me, a]);
    await recordMeeting(eventId, c, a).expect(201);
    const res = await api().get(`/api/events/${eventId}/leaderboard`).expect(200);
    expect(res.body).toEqual([
      entry(me, 0, false, 1, 2),
      entry(c, 0, false, 0, 1),
      entry(a, 0, false, 0, 0),
      entry(b, 0, false, 0, 0),
    ]);
  });

  it("GET /api/events/:eventId/leaderboard – profilePhoto is the participant's profile photo", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const ada = await createUser({ name: "Ada" });
    await api()
      .put(`/api/users/${ada.userId}`)
      .set(...bearer(ada.token))
      .send({ profilePhoto: "https://example.com/ada.png" })
      .expect(200);
    const joined = await api()
      .post(`/api/events/${event._id}/join/user`)
      .set(...bearer(ada.token))
      .send({})
      .expect(201);
    const res = await api().get(`/api/events/${event._id}/leaderboard`).expect(200);
    expect(res.body).toEqual([
      {
        participantId: joined.body.participant._id,
        name: "Ada",
        profilePhoto: "https://example.com/ada.png",
        connectionsCount: 0,
        linesCompleted: 0,
        completed: false,
        squaresFilled: 0,
      },
    ]);
  });

  // The participant keeps the photo its leaderboard-updated shows (issue 21: no read of the user
  // per mark); a profile change rewrites it, and one stored before that field reads the user.
  it("POST /api/events/:eventId/bingo – leaderboard-updated shows the photo as the profile now stands, like the GET", async () => {
    const { eventId, players } = await createBingoEvent(4);
    const [me, a, b, c] = players as [Player, Player, Player, Player];
    const setPhoto = (profilePhoto: string | null) =>
      api()
        .put(`/api/users/${me.userId}`)
        .set(...bearer(me.token))
        .send({ profilePhoto })
        .expect(200);
    const lastRow = async () => {
      const rows = payloadsOf(eventId, "leaderboard-updated").filter((row) => row.participantId === me.participantId);
      const board = await api().get(`/api/events/${eventId}/leaderboard`).expect(200);
      const listed = board.body.find((row: { participantId: string }) => row.participantId === me.participantId);
      expect(listed.profilePhoto).toBe(rows.at(-1)?.profilePhoto);
      return rows.at(-1)?.profilePhoto;
    };
    await fill(eventId, me, [[0, 0]], [me, a]);
    expect(await lastRow()).toBeNull();
    await setPhoto("https://example.com/new.png");
    await fill(eventId, me, [[1, 1]], [me, b]);
    expect(await lastRow()).toBe("https://example.com/new.png");
    // As if joined before the participant kept a photo: the user's is read instead.
    await Participant.updateOne({ _id: me.participantId }, { $unset: { photo: 1 } });
    await User.updateOne({ _id: me.userId }, { $set: { profilePhoto: "https://example.com/direct.png" } });
    await fill(eventId, me, [[2, 0]], [me, c]);
    expect(await lastRow()).toBe("https://example.com/direct.png");
  });

  it("GET /api/events/:eventId/leaderboard – five database commands, however many marks and meetings", async () => {
    const { eventId, players } = await createBingoEvent(3);
    const [me, a, b] = players as [Player, Player, Player];
    await fill(eventId, me, [[0, 0]], [me, a]);
    await recordMeeting(eventId, me, b).expect(201);
    const { commands } = await countCommands(() => api().get(`/api/events/${eventId}/leaderboard`).expect(200));
    // The participants and the event (issue 18: its meetingProof decides which meetings count,
    // and it tells 404 from empty), then at once: card versions without marks, connections per
    // participant, photos. No rate-limit window: only an unknown id counts, as a miss (issue 21).
    expect(commands.slice(0, 2)).toEqual(["find", "find"]);
    expect([...commands.slice(2)].sort()).toEqual(["aggregate", "find", "find"]);
  });

  it("GET /api/events/:eventId/leaderboard – each mark or meeting publishes leaderboard-updated with that participant's entry, as the board then shows it", async () => {
    const { eventId, players } = await createBingoEvent(4);
    const [me, a, b, c] = players as [Player, Player, Player, Player];
    await fill(eventId, me, ROW_0, [me, a, b, c]);
    await recordMeeting(eventId, a, me).expect(201);
    expect(payloadsOf(eventId, "leaderboard-updated")).toEqual([
      entry(me, 0, false, 1),
      entry(me, 0, false, 2),
      entry(me, 1, false, 3),
      entry(a, 0, false, 0, 1),
    ]);
    // The line's bingo-achieved comes before the entry it changed, in the same Pusher request.
    const names = publishedTo(eventId).map((message) => message.name);
    expect(names.slice(names.indexOf("bingo-achieved"))).toEqual([
      "bingo-achieved",
      "leaderboard-updated",
      "leaderboard-updated",
    ]);
    const board = await api().get(`/api/events/${eventId}/leaderboard`).expect(200);
    expect(board.body.slice(0, 2)).toEqual([entry(me, 1, false, 3), entry(a, 0, false, 0, 1)]);
  });
});

describe("PUT /api/events/:eventId/leaderboard/score", () => {
  function putScore(eventId: string, token: string, body: Record<string, unknown>) {
    return api()
      .put(`/api/events/${eventId}/leaderboard/score`)
      .set(...bearer(token))
      .send(body);
  }

  it("PUT /api/events/:eventId/leaderboard/score – changes nothing and answers the server's own score for the caller", async () => {
    const { eventId, players } = await createBingoEvent(3);
    const [me, a] = players as [Player, Player, Player];
    await fill(eventId, me, [[1, 1]], [me, a]);
    const before = publishedTo(eventId).length;
    const boardBefore = (await api().get(`/api/events/${eventId}/leaderboard`).expect(200)).body;

    const res = await putScore(eventId, me.token, { linesCompleted: 5, completed: true }).expect(200);
    expect(res.body).toEqual({ success: true, score: entry(me, 0, false, 1) });
    expect(publishedTo(eventId).length).toBe(before);
    expect((await api().get(`/api/events/${eventId}/leaderboard`).expect(200)).body).toEqual(boardBefore);
  });

  it("PUT /api/events/:eventId/leaderboard/score – four database commands, all reads", async () => {
    const { eventId, players } = await createBingoEvent(2);
    const [me, a] = players as [Player, Player];
    await fill(eventId, me, [[1, 1]], [me, a]);
    const { commands } = await countCommands(() => putScore(eventId, me.token, { linesCompleted: 1 }).expect(200));
    // The caller's participant (with the photo it keeps) and the event (issue 18: its
    // meetingProof decides which meetings count), then at once: newest card, people met.
    expect(commands.slice(0, 2)).toEqual(["find", "find"]);
    expect([...commands.slice(2)].sort()).toEqual(["aggregate", "find"]);
  });

  it("PUT /api/events/:eventId/leaderboard/score – the app's fire-and-forget body may be empty", async () => {
    const { eventId, players } = await createBingoEvent(1);
    const [me] = players as [Player];
    const res = await putScore(eventId, me.token, {}).expect(200);
    expect(res.body).toEqual({ success: true, score: entry(me, 0, false, 0) });
  });

  it("PUT /api/events/:eventId/leaderboard/score – not a participant is a 403; unknown event a 404; a bad body a 400; no token a 401", async () => {
    const { host, eventId, players } = await createBingoEvent(1);
    const [me] = players as [Player];
    expectError(await putScore(eventId, host.token, {}), 403, "forbidden");
    expectError(await putScore(newObjectId(), me.token, {}), 404, "not_found");
    const bad = await putScore(eventId, me.token, { linesCompleted: -1, completed: "yes" });
    expectError(bad, 400, "invalid_input");
    expect(bad.body.issues.map((issue: { path: string }) => issue.path).sort()).toEqual([
      "completed",
      "linesCompleted",
    ]);
    expectError(await api().put(`/api/events/${eventId}/leaderboard/score`).send({}), 401, "unauthorized");
  });
});
