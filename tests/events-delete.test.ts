import mongoose from "mongoose";
import { afterEach, describe, expect, it } from "vitest";
import { ActivityEntry } from "../src/models/activity-entry";
import { BingoCard } from "../src/models/bingo-card";
import { DeletedEvent } from "../src/models/deleted-event";
import { Event } from "../src/models/event";
import { NameSuffixCounter } from "../src/models/name-suffix-counter";
import { Participant } from "../src/models/participant";
import { ParticipantConnection } from "../src/models/participant-connection";
import { RETRY_AFTER_MS } from "../src/realtime/resend";
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
  publishedTo,
  pusherServer,
  startEvent,
  type TestUser,
} from "./support/harness";

afterEach(() => {
  pusherServer().setFault(null);
});

function deleteEvent(user: TestUser, eventId: string) {
  return api()
    .delete(`/api/events/${eventId}`)
    .set(...bearer(user.token));
}

function runCron() {
  return api()
    .get("/api/cron/publish-pending")
    .set("Authorization", "Bearer test-cron-secret-of-at-least-32-chars")
    .expect(200);
}

/** Everything stored under the event, by collection. */
async function storedUnder(eventId: string) {
  const _id = new mongoose.Types.ObjectId(eventId);
  return {
    events: await Event.countDocuments({ _id }),
    participants: await Participant.countDocuments({ eventId: _id }),
    cards: await BingoCard.countDocuments({ eventId: _id }),
    activity: await ActivityEntry.countDocuments({ eventId: _id }),
    nameCounters: await NameSuffixCounter.countDocuments({ _id: { $regex: `^${eventId}:` } }),
    connections: await ParticipantConnection.countDocuments({ eventId: _id }),
  };
}

const NOTHING = { events: 0, participants: 0, cards: 0, activity: 0, nameCounters: 0, connections: 0 };

/** An active event with two participants, a name clash and a bingo mark (which records its connection). */
async function busyEvent(host: TestUser) {
  const event = await createEvent(host);
  const sam = await joinAsGuest(event._id, "Sam").expect(201);
  const otherSam = await joinAsGuest(event._id, "Sam").expect(201);
  await startEvent(host, event._id);
  await api()
    .post(`/api/events/${event._id}/bingo`)
    .set(...bearer(sam.body.token))
    .send({ row: 0, col: 0, participantId: otherSam.body.participant._id })
    .expect(200);
  return event;
}

describe("DELETE /api/events/:eventId", () => {
  it("DELETE /api/events/:eventId – the host deletes an event: everything in it goes, event-deleted is published", async () => {
    const host = await createHost();
    const event = await busyEvent(host);
    const other = await busyEvent(host);
    expect(await storedUnder(event._id)).toEqual({
      events: 1,
      participants: 2,
      cards: 1,
      // Two joins, event-started and event, the mark's leaderboard-updated.
      activity: 5,
      nameCounters: 1,
      connections: 1,
    });

    const res = await deleteEvent(host, event._id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, eventId: event._id });

    expect(await storedUnder(event._id)).toEqual(NOTHING);
    expect((await storedUnder(other._id)).participants).toBe(2);
    expect(payloadsOf(event._id, "event-deleted")).toEqual([{ eventId: event._id }]);
    // The last message of the channel, under the next seq.
    const messages = publishedTo(event._id);
    const lastSeqs = messages.map((message) => message.data.seq as number);
    expect(messages.at(-1)?.name).toBe("event-deleted");
    expect(messages.at(-1)?.data.seq).toBe(Math.max(...lastSeqs.slice(0, -1)) + 1);

    expectError(await api().get(`/api/events/${event._id}`), 404, "not_found");
    expectError(await api().get(`/api/events/event/${event.joinCode}`), 404, "not_found");
    const listed = await api()
      .get(`/api/events/createdEvents/user/${host.userId}`)
      .set(...bearer(host.token))
      .expect(200);
    expect(listed.body.events.map((e: { _id: string }) => e._id)).toEqual([other._id]);
  });

  it("DELETE /api/events/:eventId – a pending event with nobody in it", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    await deleteEvent(host, event._id).expect(200);
    expect(await storedUnder(event._id)).toEqual(NOTHING);
    expectError(await joinAsGuest(event._id, "Too late"), 404, "not_found");
  });

  it("DELETE /api/events/:eventId – a second delete is a 404 not_found", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    await deleteEvent(host, event._id).expect(200);
    expectError(await deleteEvent(host, event._id), 404, "not_found");
    expect(payloadsOf(event._id, "event-deleted")).toHaveLength(1);
  });

  it("DELETE /api/events/:eventId – someone other than the host is a 403 forbidden, and nothing is deleted", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    await joinAsGuest(event._id, "Gus").expect(201);
    expectError(await deleteEvent(await createUser(), event._id), 403, "forbidden");
    expect(await storedUnder(event._id)).toMatchObject({ events: 1, participants: 1 });
    expect(payloadsOf(event._id, "event-deleted")).toEqual([]);
  });

  it("DELETE /api/events/:eventId – an unknown event is a 404, a malformed id a 400, no token a 401", async () => {
    const host = await createHost();
    expectError(await deleteEvent(host, newObjectId()), 404, "not_found");
    expectError(await deleteEvent(host, "nope"), 400, "invalid_input");
    expectError(await api().delete(`/api/events/${newObjectId()}`), 401, "unauthorized");
  });

  it("DELETE /api/events/:eventId – deletes racing 10 guest joins: nothing of the event is left once the cron has run", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    await joinAsGuest(event._id, "Early").expect(201);
    const [deleted, ...joins] = await Promise.all([
      deleteEvent(host, event._id),
      ...Array.from({ length: 10 }, (_, i) => joinAsGuest(event._id, `Racer ${i}`)),
    ]);
    expect(deleted.status).toBe(200);
    for (const join of joins) expect([201, 404]).toContain(join.status);
    // A join in flight when the event went can write its participant after the sweep: the cron
    // sweeps again once the deletion is older than any request.
    await DeletedEvent.updateOne(
      { _id: event._id },
      { $set: { deletedAt: new Date(Date.now() - RETRY_AFTER_MS - 1000) } },
    );
    const cron = await runCron();
    expect(cron.body.deletedEvents).toBe(1);
    expect(await storedUnder(event._id)).toEqual(NOTHING);
    expect(await DeletedEvent.countDocuments({ _id: event._id })).toBe(0);
    expect(payloadsOf(event._id, "event-deleted")).toEqual([{ eventId: event._id }]);
  });

  it("DELETE /api/events/:eventId – Pusher refusing event-deleted: the delete answers 200, the cron publishes it later", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    pusherServer().setFault({ kind: "status", status: 500 });
    await deleteEvent(host, event._id).expect(200);
    expect(payloadsOf(event._id, "event-deleted")).toEqual([]);
    pusherServer().setFault(null);
    // Not yet due: the cron leaves it.
    expect((await runCron()).body.deletedEvents).toBe(0);
    await DeletedEvent.updateOne(
      { _id: event._id },
      { $set: { deletedAt: new Date(Date.now() - RETRY_AFTER_MS - 1000) } },
    );
    expect((await runCron()).body.deletedEvents).toBe(1);
    expect(payloadsOf(event._id, "event-deleted")).toEqual([{ eventId: event._id }]);
  });

  it("DELETE /api/events/:eventId – a function that died after recording the deletion: the cron finishes it", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    await joinAsGuest(event._id, "Gus").expect(201);
    // Steps 1 and 2 of deleteEvent, then nothing.
    await DeletedEvent.create({
      _id: event._id,
      seq: 2,
      deletedAt: new Date(Date.now() - RETRY_AFTER_MS - 1000),
      sent: false,
    });
    expect((await runCron()).body.deletedEvents).toBe(1);
    expect(await storedUnder(event._id)).toEqual(NOTHING);
    expect(payloadsOf(event._id, "event-deleted")).toEqual([{ eventId: event._id }]);
  });
});
