import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueMeetingCode, MEETING_CODE_WINDOW_MS, meetingCodeKey } from "../src/connections/meeting-code";
import { ActivityEntry } from "../src/models/activity-entry";
import { Event } from "../src/models/event";
import { Participant } from "../src/models/participant";
import { ageActivity } from "./support/activity";
import { createBingoEvent, markSquare, type Player, recordMeeting } from "./support/factories";
import {
  api,
  bearer,
  countCommands,
  createEvent,
  createHost,
  createUser,
  expectError,
  payloadsOf,
  publishedTo,
  startEvent,
  type TestUser,
} from "./support/harness";
import { expectSeqsSettled } from "./support/seqs";
import { disconnectSubscribers, subscriber } from "./support/subscriber";

// Issue 18: meeting codes, scanning them, and the "scan" mode of the game.

let host: TestUser;

beforeAll(async () => {
  host = await createHost();
});

afterAll(disconnectSubscribers);

function codeOf(eventId: string, player: Pick<Player, "token">) {
  return api()
    .get(`/api/events/${eventId}/meeting-code`)
    .set(...bearer(player.token));
}

async function currentCode(eventId: string, player: Pick<Player, "token">): Promise<string> {
  const res = await codeOf(eventId, player).expect(200);
  return res.body.code;
}

function scan(eventId: string, scanner: Pick<Player, "token">, code: string, square?: { row: number; col: number }) {
  return api()
    .post(`/api/events/${eventId}/meetings`)
    .set(...bearer(scanner.token))
    .send({ code, ...(square ? { square } : {}) });
}

function connectedUsers(eventId: string, player: Player) {
  return api()
    .get("/api/participantConnections/connected-users")
    .query({ eventId, participantId: player.participantId })
    .set(...bearer(player.token))
    .expect(200);
}

/** An active bingo event of `players` set to "scan" mode while pending, as a host would. */
async function scanModeEvent(players: number) {
  const scanHost = await createHost();
  const created = await createBingoEvent(players, { start: false, host: scanHost });
  await api()
    .put(`/api/events/${created.eventId}`)
    .set(...bearer(scanHost.token))
    .send({ meetingProof: "scan" })
    .expect(200);
  await startEvent(scanHost, created.eventId);
  return created;
}

async function leaderboard(eventId: string) {
  const res = await api()
    .get(`/api/events/${eventId}/leaderboard`)
    .set(...bearer(host.token))
    .expect(200);
  return new Map<string, number>(
    res.body.map((row: { participantId: string; connectionsCount: number }) => [
      row.participantId,
      row.connectionsCount,
    ]),
  );
}

describe("GET /api/events/:eventId/meeting-code", () => {
  it("GET /api/events/:eventId/meeting-code – a participant gets a 12-character code, expiresAt 60-120 s ahead, refreshAt before it", async () => {
    const { eventId, players } = await createBingoEvent(1, { start: false });
    const before = Date.now();
    const res = await codeOf(eventId, players[0] as Player).expect(200);
    expect(res.body).toEqual({
      success: true,
      code: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{12}$/),
      expiresAt: expect.any(String),
      refreshAt: expect.any(String),
    });
    const expiresAt = Date.parse(res.body.expiresAt);
    expect(expiresAt - before).toBeGreaterThanOrEqual(60_000 - 1_000);
    expect(expiresAt - before).toBeLessThanOrEqual(120_000);
    expect(Date.parse(res.body.refreshAt)).toBe(expiresAt - MEETING_CODE_WINDOW_MS);
  });

  it("GET /api/events/:eventId/meeting-code – not a participant is a 403, an unknown event a 404, an ended event a 409 event_ended", async () => {
    const { eventId, players, host: eventHost } = await createBingoEvent(1);
    const stranger = await createUser({ name: "Stranger" });
    expectError(await codeOf(eventId, stranger), 403, "forbidden");
    expectError(await codeOf("65a1b2c3d4e5f60718293a4b", stranger), 404, "not_found");
    await api()
      .post(`/api/events/${eventId}/end`)
      .set(...bearer(eventHost.token))
      .expect(200);
    expectError(await codeOf(eventId, players[0] as Player), 409, "event_ended");
  });
});

describe("POST /api/events/:eventId/meetings", () => {
  it("POST /api/events/:eventId/meetings – 201: both directions verified, one meeting-verified [scanner, owner] and both leaderboard rows", async () => {
    const { eventId, players } = await createBingoEvent(2);
    const [ada, bob] = players as [Player, Player];
    const res = await scan(eventId, ada, await currentCode(eventId, bob)).expect(201);
    expect(res.body).toEqual({
      success: true,
      meeting: { participantId: bob.participantId, name: bob.name, verifiedAt: expect.any(String) },
      alreadyMet: false,
      bingo: null,
    });
    expect(payloadsOf(eventId, "meeting-verified")).toEqual([
      { participantIds: [ada.participantId, bob.participantId] },
    ]);
    const rows = payloadsOf(eventId, "leaderboard-updated");
    expect(rows.map((row) => [row.participantId, row.connectionsCount])).toEqual([
      [ada.participantId, 1],
      [bob.participantId, 1],
    ]);
    const [adaMet, bobMet] = [await connectedUsers(eventId, ada), await connectedUsers(eventId, bob)];
    expect(adaMet.body).toEqual([expect.objectContaining({ participantId: bob.participantId, verified: true })]);
    expect(bobMet.body).toEqual([expect.objectContaining({ participantId: ada.participantId, verified: true })]);
  });

  it("POST /api/events/:eventId/meetings – the same pair again (either way round) is a 200 alreadyMet: no second meeting, no double count", async () => {
    const { eventId, players } = await createBingoEvent(2);
    const [ada, bob] = players as [Player, Player];
    await scan(eventId, ada, await currentCode(eventId, bob)).expect(201);
    const again = await scan(eventId, ada, await currentCode(eventId, bob)).expect(200);
    expect(again.body.alreadyMet).toBe(true);
    const reverse = await scan(eventId, bob, await currentCode(eventId, ada)).expect(200);
    expect(reverse.body).toEqual({
      success: true,
      meeting: { participantId: ada.participantId, name: ada.name, verifiedAt: again.body.meeting.verifiedAt },
      alreadyMet: true,
      bingo: null,
    });
    expect(payloadsOf(eventId, "meeting-verified")).toHaveLength(1);
    const counts = await leaderboard(eventId);
    expect([counts.get(ada.participantId), counts.get(bob.participantId)]).toEqual([1, 1]);
  });

  it("POST /api/events/:eventId/meetings – an earlier unverified connection of the pair becomes verified, still one per direction", async () => {
    const { eventId, players } = await createBingoEvent(2);
    const [ada, bob] = players as [Player, Player];
    await recordMeeting(eventId, ada, bob).expect(201);
    expect((await connectedUsers(eventId, ada)).body).toEqual([expect.objectContaining({ verified: false })]);
    await scan(eventId, bob, await currentCode(eventId, ada)).expect(201);
    expect((await connectedUsers(eventId, ada)).body).toEqual([
      expect.objectContaining({
        participantId: bob.participantId,
        verified: true,
        connectionDescription: "Met during Name Bingo",
      }),
    ]);
    expect((await connectedUsers(eventId, bob)).body).toEqual([
      expect.objectContaining({ participantId: ada.participantId, verified: true }),
    ]);
  });

  it("POST /api/events/:eventId/meetings – forged, expired, another event's and a left participant's codes are one 400 invalid_meeting_code", async () => {
    const { eventId, players } = await createBingoEvent(3);
    const [ada, bob, cyd] = players as [Player, Player, Player];
    const other = await createBingoEvent(1);
    const bobCode = await currentCode(eventId, bob);
    const forged = `${bobCode.slice(0, 11)}${bobCode.endsWith("0") ? "1" : "0"}`;
    const bobSeq = (await Participant.findById(bob.participantId).lean())?.seq ?? 0;
    const expired = issueMeetingCode(meetingCodeKey(), eventId, bobSeq, Date.now() - 3 * MEETING_CODE_WINDOW_MS).code;
    const elsewhere = await currentCode(other.eventId, other.players[0] as Player);
    const cydCode = await currentCode(eventId, cyd);
    await api()
      .post(`/api/events/${eventId}/leave`)
      .set(...bearer(cyd.token))
      .expect(200);
    const answers = [];
    for (const code of [forged, expired, elsewhere, cydCode, "not a code", "ZZZZZZZZZZZZ"]) {
      const res = await scan(eventId, ada, code);
      expectError(res, 400, "invalid_meeting_code");
      answers.push(res.body.error);
    }
    expect(new Set(answers).size).toBe(1);
    expect(payloadsOf(eventId, "meeting-verified")).toEqual([]);
    await expectSeqsSettled(eventId);
    expect((await connectedUsers(eventId, ada)).body).toEqual([]);
  });

  it("POST /api/events/:eventId/meetings – your own code is a 400 cannot_meet_yourself; a stranger a 403; a pending event a 409 event_not_active", async () => {
    const { eventId, players } = await createBingoEvent(2);
    const [ada, bob] = players as [Player, Player];
    expectError(await scan(eventId, ada, await currentCode(eventId, ada)), 400, "cannot_meet_yourself");
    const stranger = await createUser({ name: "Stranger" });
    expectError(await scan(eventId, stranger, await currentCode(eventId, bob)), 403, "forbidden");
    expectError(await scan(eventId, ada, await currentCode(eventId, bob), { row: 3, col: 0 }), 400, "invalid_input");
    // Refused after the event's read reserved their seqs: each gave them back as gaps.
    await expectSeqsSettled(eventId);
    const pending = await createBingoEvent(2, { start: false });
    const [p0, p1] = pending.players as [Player, Player];
    expectError(await scan(pending.eventId, p0, await currentCode(pending.eventId, p1)), 409, "event_not_active");
  });

  it("POST /api/events/:eventId/meetings – A scanning B while B scans A gives one meeting pair: one 201, one 200, one meeting-verified", async () => {
    const { eventId, players } = await createBingoEvent(2);
    const [ada, bob] = players as [Player, Player];
    const [adaCode, bobCode] = [await currentCode(eventId, ada), await currentCode(eventId, bob)];
    const results = await Promise.all([scan(eventId, ada, bobCode), scan(eventId, bob, adaCode)]);
    expect(results.map((res) => res.status).sort()).toEqual([200, 201]);
    expect(payloadsOf(eventId, "meeting-verified")).toHaveLength(1);
    expect((await connectedUsers(eventId, ada)).body).toHaveLength(1);
    expect((await connectedUsers(eventId, bob)).body).toHaveLength(1);
    const counts = await leaderboard(eventId);
    expect([counts.get(ada.participantId), counts.get(bob.participantId)]).toEqual([1, 1]);
  });

  it("POST /api/events/:eventId/meetings – 20 people scanning one code at once: 20 meetings, each counted once, 20 meeting-verified on a pusher-js client", async () => {
    const { eventId, players } = await createBingoEvent(21);
    const [owner, ...scanners] = players as [Player, ...Player[]];
    const watcher = await subscriber(`event-${eventId}`);
    const code = await currentCode(eventId, owner);
    const results = await Promise.all(scanners.map((scanner) => scan(eventId, scanner, code)));
    expect(results.map((res) => res.status)).toEqual(scanners.map(() => 201));
    const received = await watcher.settled();
    const meetings = received.filter((message) => message.name === "meeting-verified");
    expect(meetings).toHaveLength(20);
    expect(new Set(meetings.map((message) => (message.data.participantIds as string[])[0]))).toEqual(
      new Set(scanners.map((scanner) => scanner.participantId)),
    );
    expect(new Set(meetings.map((message) => message.data.seq)).size).toBe(20);
    const counts = await leaderboard(eventId);
    expect(counts.get(owner.participantId)).toBe(20);
    for (const scanner of scanners) expect(counts.get(scanner.participantId)).toBe(1);
    expect((await connectedUsers(eventId, owner)).body).toHaveLength(20);
  });

  it("POST /api/events/:eventId/meetings – with square: fills it naming the owner through the referee; a repeat still fills a square not yet filled", async () => {
    const { eventId, players } = await createBingoEvent(2);
    const [ada, bob] = players as [Player, Player];
    const res = await scan(eventId, ada, await currentCode(eventId, bob), { row: 1, col: 1 }).expect(201);
    expect(res.body.bingo.card.marks).toEqual([{ row: 1, col: 1, participantId: bob.participantId, name: bob.name }]);
    const fromBob = await scan(eventId, bob, await currentCode(eventId, ada), { row: 0, col: 2 }).expect(200);
    expect(fromBob.body.alreadyMet).toBe(true);
    expect(fromBob.body.bingo.card.marks).toEqual([
      { row: 0, col: 2, participantId: ada.participantId, name: ada.name },
    ]);
    // The referee's rules: the same person for another square is refused.
    expectError(
      await scan(eventId, ada, await currentCode(eventId, bob), { row: 0, col: 0 }),
      409,
      "participant_already_used",
    );
    expectError(await scan(eventId, ada, await currentCode(eventId, bob), { row: 3, col: 0 }), 400, "invalid_input");
  });

  it("POST /api/events/:eventId/meetings – 9 database commands for a new meeting, 9 for a repeat; GET …/meeting-code 2 reads", async () => {
    const { eventId, players } = await createBingoEvent(2);
    const [ada, bob] = players as [Player, Player];
    const issued = await countCommands(() => codeOf(eventId, bob).expect(200));
    expect(issued.commands).toEqual(["find", "find"]);
    const code = issued.result.body.code;
    const { commands } = await countCommands(() => scan(eventId, ada, code).expect(201));
    // Rate-limit window; the event read with the seqs reserved (issue 21); caller and owner in one
    // query (with the photos they keep); both directions (at once); both leaderboard rows in two
    // queries (their newest cards, the people each met); the activity entries; the in-flight count
    // given back (issue 17).
    expect(commands).toEqual([
      "findAndModify",
      "findAndModify",
      "find",
      "update",
      "update",
      ...["aggregate", "find"].map(() => expect.stringMatching(/^(find|aggregate)$/)),
      "insert",
      "update",
    ]);
    expect(commands.filter((name) => name === "aggregate")).toHaveLength(1);
    const repeat = await countCommands(() => scan(eventId, ada, code).expect(200));
    // A repeat: each direction's upsert clashes and its plain update matches nothing (2 each), the
    // seqs become gaps, and the pair's verifiedAt is read.
    expect(repeat.commands).toEqual([
      "findAndModify",
      "findAndModify",
      "find",
      "update",
      "update",
      "update",
      "update",
      "update",
      "find",
    ]);
  });

  it("POST /api/events/:eventId/meetings – a retry with the same Idempotency-Key answers the first 201 again, announcing nothing more", async () => {
    const { eventId, players } = await createBingoEvent(2);
    const [ada, bob] = players as [Player, Player];
    const code = await currentCode(eventId, bob);
    const send = () =>
      api()
        .post(`/api/events/${eventId}/meetings`)
        .set(...bearer(ada.token))
        .set("Idempotency-Key", "scan-bob-once")
        .send({ code });
    const first = await send().expect(201);
    const retry = await send().expect(201);
    expect(retry.body).toEqual({ ...first.body, requestId: retry.body.requestId ?? first.body.requestId });
    expect(payloadsOf(eventId, "meeting-verified")).toHaveLength(1);
  });

  it("POST /api/events/:eventId/meetings – past 20 scans a minute a participant gets a 429 rate_limited with Retry-After", async () => {
    const { eventId, players } = await createBingoEvent(2);
    const [ada] = players as [Player, Player];
    const firstMinute = Math.floor(Date.now() / 60_000);
    for (let i = 0; i < 20; i++) expectError(await scan(eventId, ada, "ZZZZZZZZZZZZ"), 400, "invalid_meeting_code");
    const limited = await scan(eventId, ada, "ZZZZZZZZZZZZ");
    if (limited.status === 400) {
      // Only when the minute turned over meanwhile: the 21st was then the new window's first.
      expect(Math.floor(Date.now() / 60_000)).toBeGreaterThan(firstMinute);
    } else {
      expectError(limited, 429, "rate_limited");
      expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('meetingProof "scan"', () => {
  it("POST /api/events/createEvent and PUT /api/events/:eventId – meetingProof defaults to claim, is settable while pending, then a 409 event_not_pending", async () => {
    const plain = await createEvent(host);
    expect(plain.meetingProof).toBe("claim");
    const strict = await createEvent(host, { meetingProof: "scan" });
    expect(strict.meetingProof).toBe("scan");
    const put = await api()
      .put(`/api/events/${plain._id}`)
      .set(...bearer(host.token))
      .send({ meetingProof: "scan" })
      .expect(200);
    expect(put.body.event.meetingProof).toBe("scan");
    const got = await api().get(`/api/events/${plain._id}`).expect(200);
    expect(got.body.event.meetingProof).toBe("scan");
    await startEvent(host, plain._id);
    const late = await api()
      .put(`/api/events/${plain._id}`)
      .set(...bearer(host.token))
      .send({ meetingProof: "claim" });
    expectError(late, 409, "event_not_pending");
    expectError(
      await api()
        .put(`/api/events/${strict._id}`)
        .set(...bearer(host.token))
        .send({ meetingProof: "strict" }),
      400,
      "invalid_input",
    );
  });

  it('POST /api/events/:eventId/bingo – in "scan" mode an unverified mark is a 409 meeting_not_verified, a verified one fills', async () => {
    const { eventId, players } = await scanModeEvent(3);
    const [ada, bob, cyd] = players as [Player, Player, Player];
    expectError(await markSquare(eventId, ada, 0, 0, bob), 409, "meeting_not_verified");
    // A claimed connection is no proof either, and naming a square through it is refused too.
    await recordMeeting(eventId, ada, cyd).expect(201);
    expectError(await markSquare(eventId, ada, 0, 0, cyd), 409, "meeting_not_verified");
    const square = await api().get(`/api/events/${eventId}/bingo`).expect(200);
    const question = square.body.bingo.grid[0][1].question;
    expectError(await recordMeeting(eventId, ada, bob, question), 409, "meeting_not_verified");

    await scan(eventId, bob, await currentCode(eventId, ada)).expect(201);
    const filled = await markSquare(eventId, ada, 0, 0, bob).expect(200);
    expect(filled.body.card.marks).toEqual([{ row: 0, col: 0, participantId: bob.participantId, name: bob.name }]);
    // Bob's side of the verified meeting fills through a connection naming a square.
    const viaConnection = await recordMeeting(eventId, bob, ada, question).expect(201);
    expect(viaConnection.body.connection.verified).toBe(true);
    expect(viaConnection.body.bingo.card.marks).toEqual([
      { row: 0, col: 1, participantId: ada.participantId, name: ada.name },
    ]);
    // The leaderboard counts verified meetings only: Ada's claim of Cyd does not count.
    const counts = await leaderboard(eventId);
    expect([counts.get(ada.participantId), counts.get(bob.participantId), counts.get(cyd.participantId)]).toEqual([
      1, 1, 0,
    ]);
  });

  it('GET /api/cron/publish-pending – in "scan" mode, leaderboard rows whose log entries were lost are rebuilt counting verified meetings only, as they were sent', async () => {
    const { eventId, players } = await scanModeEvent(3);
    const [ada, bob, cyd] = players as [Player, Player, Player];
    await recordMeeting(eventId, ada, cyd).expect(201);
    await recordMeeting(eventId, bob, cyd).expect(201);
    await scan(eventId, bob, await currentCode(eventId, ada)).expect(201);
    const rows = () =>
      publishedTo(eventId)
        .filter((message) => message.name === "leaderboard-updated")
        .map((message) => message.data as { seq: number; participantId: string; connectionsCount: number });
    const sent = rows();
    // The two claims, then the scan's rows of Bob and Ada: only the verified meeting counts.
    expect(sent.map((row) => [row.participantId, row.connectionsCount])).toEqual([
      [ada.participantId, 0],
      [bob.participantId, 0],
      [bob.participantId, 1],
      [ada.participantId, 1],
    ]);
    // As if the functions died right after publishing, before logging (and giving back their
    // in-flight counts).
    await ActivityEntry.deleteMany({ eventId, event: "leaderboard-updated" });
    await Event.updateOne({ _id: eventId }, { $inc: { inFlight: 3 } });
    await ageActivity(eventId);
    await api()
      .get("/api/cron/publish-pending")
      .set("Authorization", "Bearer test-cron-secret-of-at-least-32-chars")
      .expect(200);
    // The claims' rows are rebuilt as they now stand, under their own seqs, both in one pass, still
    // counting verified meetings only. A scan stores no seq of its rows, so those two are gaps
    // (docs/meetings.md).
    const rebuilt = rows().slice(sent.length);
    expect(rebuilt.map((row) => [row.seq, row.participantId, row.connectionsCount])).toEqual(
      sent.slice(0, 2).map((row) => [row.seq, row.participantId, 1]),
    );
  });

  it('POST /api/events/:eventId/bingo – in "claim" mode marks work without a scan, and a scan still marks connections verified', async () => {
    const { eventId, players } = await createBingoEvent(2);
    const [ada, bob] = players as [Player, Player];
    await markSquare(eventId, ada, 0, 0, bob).expect(200);
    await scan(eventId, bob, await currentCode(eventId, ada)).expect(201);
    expect((await connectedUsers(eventId, ada)).body).toEqual([expect.objectContaining({ verified: true })]);
    const counts = await leaderboard(eventId);
    expect([counts.get(ada.participantId), counts.get(bob.participantId)]).toEqual([1, 1]);
  });
});
