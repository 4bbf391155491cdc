import mongoose from "mongoose";
import { describe, expect, it } from "vitest";
import { Ban } from "../src/models/ban";
import { Event } from "../src/models/event";
import { Participant } from "../src/models/participant";
import { storedActivity } from "./support/activity";
import { createBingoEvent, joinAsPlayer, joinAsUser, markSquare, recordMeeting } from "./support/factories";
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
  type TestUser,
} from "./support/harness";

function remove(host: { token: string }, eventId: string, participantId: string, query = "") {
  return api()
    .delete(`/api/events/${eventId}/participants/${participantId}${query}`)
    .set(...bearer(host.token));
}

function listBans(host: { token: string }, eventId: string) {
  return api()
    .get(`/api/events/${eventId}/bans`)
    .set(...bearer(host.token));
}

function leave(user: { token: string }, eventId: string) {
  return api()
    .post(`/api/events/${eventId}/leave`)
    .set(...bearer(user.token));
}

function edit(host: TestUser, eventId: string, body: Record<string, unknown>) {
  return api()
    .put(`/api/events/${eventId}`)
    .set(...bearer(host.token))
    .send(body);
}

/** The event's counters and its participants, which must agree. */
async function storedCounters(eventId: string) {
  const event = await Event.findById(eventId, { openSeats: 1, participantCount: 1 }).lean();
  const participants = await Participant.countDocuments({ eventId: new mongoose.Types.ObjectId(eventId) });
  return { openSeats: event?.openSeats, participantCount: event?.participantCount, participants };
}

describe("DELETE /api/events/:eventId/participants/:participantId", () => {
  it("DELETE /api/events/:eventId/participants/:participantId – the host removes a participant: gone from the lobby, the leaderboard and the counts; participant-left with reason removed, logged", async () => {
    const { host, eventId, players } = await createBingoEvent(2);
    const [ada, bo] = players as [(typeof players)[0], (typeof players)[0]];
    await recordMeeting(eventId, bo, ada).expect(201);

    const res = await remove(host, eventId, ada.participantId);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      participant: { _id: ada.participantId, userId: ada.userId, name: ada.name, eventId },
    });
    const event = await api().get(`/api/events/${eventId}`).expect(200);
    expect(event.body.event.participantCount).toBe(1);
    expect(event.body.event.participantIds.map((p: { _id: string }) => p._id)).toEqual([bo.participantId]);
    const board = await api().get(`/api/events/${eventId}/leaderboard`).expect(200);
    expect(board.body.map((row: { participantId: string }) => row.participantId)).toEqual([bo.participantId]);
    expect(await storedCounters(eventId)).toMatchObject({ participantCount: 1, participants: 1 });
    expect(payloadsOf(eventId, "participant-left")).toEqual([
      { participantId: ada.participantId, name: ada.name, reason: "removed" },
    ]);
    const logged = (await storedActivity(eventId)).filter((entry) => entry.event === "participant-left");
    expect(logged).toMatchObject([{ data: { reason: "removed" }, sent: true }]);
    // What Bo recorded about meeting Ada stays Bo's; the name is free again.
    const met = await api()
      .get(`/api/participantConnections/connected-users?participantId=${bo.participantId}&eventId=${eventId}`)
      .set(...bearer(bo.token))
      .expect(200);
    expect(met.body).toHaveLength(1);
    expect((await joinAsGuest(eventId, ada.name).expect(201)).body.participant.name).toBe(ada.name);
  });

  it("DELETE /api/events/:eventId/participants/:participantId – only the host (403), a participant of this event (404), an event not ended (409)", async () => {
    const { host, eventId, players } = await createBingoEvent(1);
    const [player] = players as [(typeof players)[0]];
    expectError(await remove(await createUser(), eventId, player.participantId), 403, "forbidden");
    expectError(await remove(player, eventId, player.participantId), 403, "forbidden");
    expectError(await remove(host, eventId, newObjectId()), 404, "not_found");
    expectError(await remove(host, newObjectId(), player.participantId), 404, "not_found");
    expectError(await remove(host, eventId, player.participantId, "?ban=maybe"), 400, "invalid_input");
    await api()
      .post(`/api/events/${eventId}/end`)
      .set(...bearer(host.token))
      .expect(200);
    expectError(await remove(host, eventId, player.participantId), 409, "event_ended");
    expect(await storedCounters(eventId)).toMatchObject({ participantCount: 1, participants: 1 });
    expect(payloadsOf(eventId, "participant-left")).toEqual([]);
  });

  it("DELETE /api/events/:eventId/participants/:participantId – a remove racing the participant's own leave: one wins, counts exact, one participant-left", async () => {
    const host = await createHost();
    const event = await createEvent(host, { maxParticipant: 5 });
    const guest = await joinAsGuest(event._id, "Racer").expect(201);
    await joinAsGuest(event._id, "Stayer").expect(201);
    const [removed, left] = await Promise.all([
      remove(host, event._id, guest.body.participant._id),
      leave(guest.body, event._id),
    ]);
    expect([removed.status, left.status].sort()).toEqual([200, removed.status === 200 ? 403 : 404].sort());
    expect(await storedCounters(event._id)).toEqual({ openSeats: 4, participantCount: 1, participants: 1 });
    expect(payloadsOf(event._id, "participant-left")).toHaveLength(1);
  });

  it("DELETE /api/events/:eventId/participants/:participantId – a join racing the remove of the last seat: counts exact, capacity holds", async () => {
    const host = await createHost();
    const event = await createEvent(host, { maxParticipant: 1 });
    const first = await joinAsGuest(event._id, "Seated").expect(201);
    const [removed, joined] = await Promise.all([
      remove(host, event._id, first.body.participant._id),
      joinAsGuest(event._id, "Waiting"),
    ]);
    expect(removed.status).toBe(200);
    expect([201, 400]).toContain(joined.status);
    const counters = await storedCounters(event._id);
    expect(counters.participantCount).toBe(counters.participants);
    expect(counters.openSeats).toBe(1 - counters.participants);
    expect(counters.participants).toBe(joined.status === 201 ? 1 : 0);
  });
});

describe("bans", () => {
  it("DELETE …/participants/:participantId?ban=true – the user's join, the guest's rejoin with its token, marks and meetings are refused; GET …/bans lists; lifting the ban lets them back", async () => {
    const { host, eventId, players } = await createBingoEvent(2);
    const [gus, bo] = players as [(typeof players)[0], (typeof players)[0]];
    const user = await createUser({ name: "Ursula" });
    const ursula = await joinAsUser(user, eventId, {}).expect(201);

    await remove(host, eventId, gus.participantId, "?ban=true").expect(200);
    await remove(host, eventId, ursula.body.participant._id, "?ban=true").expect(200);
    expectError(await joinAsUser(user, eventId, {}), 403, "banned");
    const rejoin = await api()
      .post(`/api/events/${eventId}/join/guest`)
      .set(...bearer(gus.token))
      .send({ name: "Gus Again" });
    expectError(rejoin, 403, "banned");
    // A banned user has no participant: a mark is the non-participant's 403, a meeting naming
    // their old participant a 400 on primaryParticipantId; neither stores anything.
    expectError(await markSquare(eventId, gus, 0, 0, bo), 403, "forbidden");
    const meeting = await recordMeeting(eventId, gus, bo);
    expectError(meeting, 400, "invalid_input");
    expect(meeting.body.issues).toEqual([
      { path: "primaryParticipantId", message: "is not a participant of this event" },
    ]);
    expect(
      await Participant.db
        .collection("participantconnections")
        .countDocuments({ primaryParticipantId: new mongoose.Types.ObjectId(gus.participantId) }),
    ).toBe(0);
    expect(await storedCounters(eventId)).toMatchObject({ participantCount: 1, participants: 1 });

    const bans = await listBans(host, eventId).expect(200);
    expect(bans.body).toEqual({
      success: true,
      bans: [
        { userId: gus.userId, name: gus.name, bannedAt: expect.any(String) },
        { userId: user.userId, name: "Ursula", bannedAt: expect.any(String) },
      ],
    });
    expectError(await listBans(bo, eventId), 403, "forbidden");
    expectError(
      await api()
        .delete(`/api/events/${eventId}/bans/${user.userId}`)
        .set(...bearer(bo.token)),
      403,
      "forbidden",
    );

    await api()
      .delete(`/api/events/${eventId}/bans/${user.userId}`)
      .set(...bearer(host.token))
      .expect(200, { success: true, userId: user.userId });
    expectError(
      await api()
        .delete(`/api/events/${eventId}/bans/${user.userId}`)
        .set(...bearer(host.token)),
      404,
      "not_found",
    );
    await joinAsUser(user, eventId, {}).expect(201);
    expect(await Ban.countDocuments({ eventId: new mongoose.Types.ObjectId(eventId) })).toBe(1);
  });

  it("POST …/join/user – an event that never banned anyone reads no bans: the seat's $inc returns hasBans false", async () => {
    const event = await createEvent(await createHost());
    await joinAsPlayer(event._id, "Plain");
    expect((await Event.findById(event._id, { hasBans: 1 }).lean())?.hasBans).toBe(false);
  });
});

describe("joinsLocked and guestsAllowed", () => {
  it("PUT /api/events/:eventId joinsLocked – 50 concurrent joins all get 409 joins_locked while a participant's rejoin gets 200", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    expect(event).toMatchObject({ joinsLocked: false, guestsAllowed: true });
    const member = await createUser();
    await joinAsUser(member, event._id, {}).expect(201);
    const locked = await edit(host, event._id, { joinsLocked: true }).expect(200);
    expect(locked.body.event.joinsLocked).toBe(true);

    const joins = await Promise.all(Array.from({ length: 50 }, (_, i) => joinAsGuest(event._id, `Locked ${i}`)));
    for (const res of joins) expectError(res, 409, "joins_locked");
    const again = await joinAsUser(member, event._id, {});
    expect(again.status).toBe(200);
    expect(again.body.alreadyJoined).toBe(true);
    expect(await storedCounters(event._id)).toMatchObject({ participantCount: 1, participants: 1 });
    expect(await Participant.db.collection("users").countDocuments({ name: /^Locked / })).toBe(0);

    await edit(host, event._id, { joinsLocked: false }).expect(200);
    await joinAsGuest(event._id, "Unlocked").expect(201);
  });

  it("POST /api/events/createEvent guestsAllowed false – guest joins are 403 guests_not_allowed, users join", async () => {
    const host = await createHost();
    const event = await createEvent(host, { guestsAllowed: false });
    expect(event.guestsAllowed).toBe(false);
    expectError(await joinAsGuest(event._id, "Guest"), 403, "guests_not_allowed");
    await joinAsUser(await createUser(), event._id, {}).expect(201);
    const read = await api().get(`/api/events/${event._id}`).expect(200);
    expect(read.body.event).toMatchObject({ guestsAllowed: false, joinsLocked: false });
    expectError(await edit(host, event._id, { guestsAllowed: "no" }), 400, "invalid_input");
  });
});

describe("ids and join codes", () => {
  it("POST /api/events/createEvent – two events created back to back have ids that differ in more than their counters", async () => {
    const host = await createHost();
    const a = await createEvent(host);
    const b = await createEvent(host);
    // ObjectId: 4 bytes of time, then (by default) 5 bytes per process and a 3-byte counter.
    expect(a._id.slice(8, 18)).not.toBe(b._id.slice(8, 18));
    const guestA = await joinAsPlayer(a._id, "One");
    const guestB = await joinAsPlayer(a._id, "Two");
    expect(guestA.participantId.slice(8, 18)).not.toBe(guestB.participantId.slice(8, 18));
    expect(guestA.userId.slice(8, 18)).not.toBe(guestB.userId.slice(8, 18));
    // The timestamp still leads, so lists sorted by _id stay in creation order.
    expect(Math.abs(Number.parseInt(a._id.slice(0, 8), 16) - Date.now() / 1000)).toBeLessThan(120);
  });

  it("GET /api/events/:eventId – joinCode only for the host and the event's participants", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const player = await joinAsPlayer(event._id, "Member");
    const anonymous = await api().get(`/api/events/${event._id}`).expect(200);
    expect(anonymous.body.event).not.toHaveProperty("joinCode");
    const stranger = await api()
      .get(`/api/events/${event._id}`)
      .set(...bearer((await createUser()).token))
      .expect(200);
    expect(stranger.body.event).not.toHaveProperty("joinCode");
    for (const token of [host.token, player.token]) {
      const res = await api()
        .get(`/api/events/${event._id}`)
        .set(...bearer(token))
        .expect(200);
      expect(res.body.event.joinCode).toBe(event.joinCode);
    }
    const byCode = await api().get(`/api/events/event/${event.joinCode}`).expect(200);
    expect(byCode.body.event.joinCode).toBe(event.joinCode);
  });
});
