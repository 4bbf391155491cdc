import mongoose from "mongoose";
import { afterAll, describe, expect, it } from "vitest";
import { DISCOVERED_ROUTES } from "../api/_routes.generated";
import { forgetTokenVersions } from "../src/auth/tokens";
import { DeletedUser } from "../src/models/deleted-user";
import { Event } from "../src/models/event";
import { User } from "../src/models/user";
import { DELETED_PARTICIPANT_NAME } from "../src/privacy/remove-participation";
import { RETRY_AFTER_MS } from "../src/realtime/resend";
import { storedActivity } from "./support/activity";
import { dashboardGrid } from "./support/bingo-grids";
import { createBingoEvent, joinAsUser, markSquare, type Player, recordMeeting } from "./support/factories";
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
import { disconnectSubscribers, subscriber } from "./support/subscriber";

afterAll(disconnectSubscribers);

function deleteMe(token: string, body?: Record<string, unknown>) {
  const req = api()
    .delete("/api/users/me")
    .set(...bearer(token));
  return body ? req.send(body) : req;
}

function runCron() {
  return api().get("/api/cron/publish-pending").set("Authorization", "Bearer test-cron-secret-of-at-least-32-chars");
}

/** Every document of every collection, as extended JSON text, that mentions one of `needles`. */
async function documentsMentioning(...needles: string[]): Promise<string[]> {
  const db = mongoose.connection.db;
  if (!db) throw new Error("no database");
  const found: string[] = [];
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    for (const doc of await db.collection(name).find({}).toArray()) {
      const text = JSON.stringify(doc).toLowerCase();
      if (needles.some((needle) => text.includes(needle.toLowerCase()))) found.push(`${name}: ${text}`);
    }
  }
  return found;
}

/** A registered user who hosts an event (with a guest in it) and plays in a started one with two guests. */
async function busyUser() {
  const user = await createUser({ name: "Della Delete" });
  const hosted = await createEvent(user, { name: "Della's own mixer" });
  await joinAsGuest(hosted._id, "Guest at Della's").expect(201);
  const { host, eventId, players } = await createBingoEvent(2, { start: false });
  const joined = await joinAsUser(user, eventId).expect(201);
  await startEvent(host, eventId);
  const me: Player = {
    participantId: joined.body.participant._id,
    name: user.name,
    token: user.token,
    userId: user.userId,
  };
  return { user, me, others: players as [Player, Player], eventId, hostedId: hosted._id };
}

describe("DELETE /api/users/me", () => {
  it("DELETE /api/users/me – no document in any collection holds the user's id or email; the event's counts are right; participant-left reached pusher-js", async () => {
    const { user, me, others, eventId, hostedId } = await busyUser();
    const [first, second] = others;
    await recordMeeting(eventId, me, first).expect(201);
    await recordMeeting(eventId, first, me).expect(201);
    await recordMeeting(eventId, second, first).expect(201);
    const before = await Event.findById(eventId, { participantCount: 1, openSeats: 1 }).lean();
    const { settled } = await subscriber(`event-${eventId}`);

    const res = await deleteMe(user.token, { password: "correct horse battery" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ success: true, message: "Your account and its data are deleted.", userId: user.userId });

    expect(await documentsMentioning(user.userId, user.email)).toEqual([]);
    const after = await Event.findById(eventId, { participantCount: 1, openSeats: 1 }).lean();
    expect(after?.participantCount).toBe((before?.participantCount ?? 0) - 1);
    expect(after?.openSeats).toBe((before?.openSeats ?? 0) + 1);
    expect(await Event.exists({ _id: hostedId })).toBeNull();
    expect(payloadsOf(hostedId, "event-deleted")).toEqual([{ eventId: hostedId }]);

    const left = (await settled()).filter((m) => m.name === "participant-left");
    expect(left).toEqual([
      {
        channel: `event-${eventId}`,
        name: "participant-left",
        data: {
          participantId: me.participantId,
          name: DELETED_PARTICIPANT_NAME,
          reason: "left",
          seq: expect.any(Number),
        },
      },
    ]);
    // Nothing in the event's log names the participant any more; the others' connections to it are gone.
    const named = (await storedActivity(eventId)).filter((entry) => JSON.stringify(entry.data).includes("Della"));
    expect(named).toEqual([]);
    const board = await api()
      .get(`/api/events/${eventId}/leaderboard`)
      .set(...bearer(first.token))
      .expect(200);
    const counts = Object.fromEntries(
      (board.body as { name: string; connectionsCount: number }[]).map((row) => [row.name, row.connectionsCount]),
    );
    expect(counts).toEqual({ [first.name]: 0, [second.name]: 1 });
    expect(await DeletedUser.countDocuments({})).toBe(0);
  });

  it("DELETE /api/users/me – the old token is a 401 on every authenticated route, here and on an instance that had not heard of it", async () => {
    const user = await createUser();
    await deleteMe(user.token, { password: "correct horse battery" }).expect(200);
    const check = async () => {
      for (const handler of DISCOVERED_ROUTES) {
        for (const [method, op] of Object.entries(handler.contract.operations)) {
          if (!op || (op.auth !== "user" && op.auth !== "registered")) continue;
          const path = `${handler.contract.path.replace(/\{[^}]+\}/g, newObjectId())}${SAMPLE_QUERIES[handler.contract.path] ?? ""}`;
          const res = await api()
            [method.toLowerCase() as "get"](path)
            .set(...bearer(user.token))
            .send(SAMPLE_BODIES[`${method} ${handler.contract.path}`] ?? {});
          expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(401);
          expectError(res, 401, "unauthorized");
          expect(res.body.error).toBe("This account has been deleted.");
        }
      }
    };
    await check();
    forgetTokenVersions();
    await check();
  });

  it("DELETE /api/users/me – a wrong or missing password is a 401 and deletes nothing", async () => {
    const user = await createUser();
    expect(await documentsMentioning(user.userId, user.email)).not.toEqual([]);
    expectError(await deleteMe(user.token, { password: "wrong horse" }), 401, "unauthorized");
    expectError(await deleteMe(user.token), 401, "unauthorized");
    await api()
      .get("/api/users/me")
      .set(...bearer(user.token))
      .expect(200);
  });

  it("DELETE /api/users/me – a guest deletes with the token alone; its seat comes back and its name is free", async () => {
    const host = await createHost();
    const event = await createEvent(host, { maxParticipant: 1 });
    const guest = await joinAsGuest(event._id, "Gone Gus").expect(201);
    await deleteMe(guest.body.token).expect(200);
    expect(await documentsMentioning(guest.body.userId)).toEqual([]);
    await joinAsGuest(event._id, "Gone Gus").expect(201);
    expect(payloadsOf(event._id, "participant-left")).toEqual([
      { participantId: guest.body.participant._id, name: DELETED_PARTICIPANT_NAME, reason: "left" },
    ]);
  });

  it("DELETE /api/users/me – a participation in an ended event is removed too, and its log entries are neutral", async () => {
    const { host, eventId, players } = await createBingoEvent(2, { size: 3 });
    const [gus, ada] = players as [Player, Player];
    await markSquare(eventId, ada, 0, 0, gus).expect(200);
    await api()
      .post(`/api/events/${eventId}/end`)
      .set(...bearer(host.token))
      .expect(200);
    await deleteMe(gus.token).expect(200);
    expect(await documentsMentioning(gus.userId)).toEqual([]);
    const entries = await storedActivity(eventId);
    expect(entries.filter((entry) => JSON.stringify(entry.data).includes(gus.name))).toEqual([]);
    const card = await api()
      .get(`/api/events/${eventId}/bingo`)
      .set(...bearer(ada.token))
      .expect(200);
    expect(JSON.stringify(card.body)).not.toContain(gus.name);
  });

  it("DELETE /api/users/me – a deletion cut after the account went is finished by the cron", async () => {
    const { eventId, players } = await createBingoEvent(2);
    const [gus, ada] = players as [Player, Player];
    await recordMeeting(eventId, ada, gus).expect(201);
    // Steps 1 and 3 of deleteAccount, then nothing.
    const participant = new mongoose.Types.ObjectId(gus.participantId);
    await DeletedUser.create({
      _id: gus.userId,
      participations: [{ eventId, participantId: participant }],
      deletedAt: new Date(Date.now() - RETRY_AFTER_MS - 1000),
    });
    await User.deleteOne({ _id: gus.userId });
    const cron = await runCron();
    expect(cron.body.deletedAccounts).toBe(1);
    expect(await documentsMentioning(gus.userId)).toEqual([]);
    expect(payloadsOf(eventId, "participant-left")).toEqual([
      { participantId: gus.participantId, name: DELETED_PARTICIPANT_NAME, reason: "left" },
    ]);
  });
});

const ID = "0123456789abcdef01234567";
const GRID = dashboardGrid(3);
/** Bodies that pass each authenticated operation's schema, so the token check is what answers. */
const SAMPLE_BODIES: Record<string, unknown> = {
  "POST /api/events/createEvent": { name: "Any" },
  "POST /api/bingo/createBingo": { _eventId: ID, grid: GRID },
  "PUT /api/bingo/updateBingo": { id: ID, grid: GRID },
  "PUT /api/events/{eventId}/bingo": { grid: GRID },
  "POST /api/events/{eventId}/meetings": { code: "ABCDEFGHJKMN" },
  "POST /api/events/{eventId}/bingo": { row: 0, col: 0, participantId: ID },
  "PUT /api/events/{eventId}/status": { status: "active" },
  "POST /api/participantConnections": {
    _eventId: ID,
    primaryParticipantId: ID,
    secondaryParticipantId: "0123456789abcdef01234568",
    description: "Met",
  },
};
const SAMPLE_QUERIES: Record<string, string> = {
  "/api/participantConnections/connected-users": `?participantId=${ID}&eventId=${ID}`,
};
