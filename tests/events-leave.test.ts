import mongoose from "mongoose";
import { describe, expect, it } from "vitest";
import { ActivityEntry } from "../src/models/activity-entry";
import { Event } from "../src/models/event";
import { Participant } from "../src/models/participant";
import { ageActivity, storedActivity } from "./support/activity";
import { joinAsUser } from "./support/factories";
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
  startEvent,
} from "./support/harness";

function leave(user: { token: string }, eventId: string) {
  return api()
    .post(`/api/events/${eventId}/leave`)
    .set(...bearer(user.token));
}

async function storedCounters(eventId: string) {
  const event = await Event.findById(eventId, { openSeats: 1, participantCount: 1 }).lean();
  const participants = await Participant.countDocuments({ eventId: new mongoose.Types.ObjectId(eventId) });
  return { openSeats: event?.openSeats, participantCount: event?.participantCount, participants };
}

describe("POST /api/events/:eventId/leave", () => {
  it("POST /api/events/:eventId/leave – a participant leaves: seat freed, gone from the lobby, participant-left published and logged", async () => {
    const host = await createHost();
    const event = await createEvent(host, { maxParticipant: 2 });
    const ada = await createUser({ name: "Ada" });
    const joined = await joinAsUser(ada, event._id, { userId: ada.userId, name: ada.name });
    expect(joined.status).toBe(201);
    await joinAsGuest(event._id, "Bo").expect(201);
    const participantId = joined.body.participant._id;

    const res = await leave(ada, event._id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      participant: { _id: participantId, userId: ada.userId, name: "Ada", eventId: event._id },
    });

    const stored = await api().get(`/api/events/${event._id}`).expect(200);
    expect(stored.body.event.participantCount).toBe(1);
    expect(stored.body.event.participantIds.map((p: { name: string }) => p.name)).toEqual(["Bo"]);
    expect(payloadsOf(event._id, "participant-left")).toEqual([{ participantId, name: "Ada", reason: "left" }]);
    const left = publishedTo(event._id).find((message) => message.name === "participant-left");
    const logged = (await storedActivity(event._id)).find((entry) => entry.event === "participant-left");
    expect(logged).toMatchObject({ seq: left?.data.seq, data: { participantId, name: "Ada" }, sent: true });
    expect(await storedCounters(event._id)).toEqual({ openSeats: 1, participantCount: 1, participants: 1 });
    // The seat is free again.
    await joinAsGuest(event._id, "Cy").expect(201);
  });

  it("POST /api/events/:eventId/leave – the name is free again, and the user can join again", async () => {
    const event = await createEvent(await createHost());
    const sam = await createUser({ name: "Sam" });
    await joinAsUser(sam, event._id, { userId: sam.userId, name: sam.name });
    await leave(sam, event._id).expect(200);
    const otherSam = await joinAsGuest(event._id, "Sam").expect(201);
    expect(otherSam.body.participant.name).toBe("Sam");
    const back = await joinAsUser(sam, event._id, { userId: sam.userId, name: sam.name });
    expect(back.status).toBe(201);
    expect(back.body.participant.name).toBe("Sam (2)");
  });

  it("POST /api/events/:eventId/leave – a guest leaves with the guest token from join/guest", async () => {
    const event = await createEvent(await createHost());
    const guest = await joinAsGuest(event._id, "Gus").expect(201);
    await leave(guest.body, event._id).expect(200);
    expect(payloadsOf(event._id, "participant-left")).toEqual([
      { participantId: guest.body.participant._id, name: "Gus", reason: "left" },
    ]);
  });

  it("POST /api/events/:eventId/leave – an active event can be left", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const guest = await joinAsGuest(event._id, "Gus").expect(201);
    await startEvent(host, event._id);
    await leave(guest.body, event._id).expect(200);
  });

  it("POST /api/events/:eventId/leave – after the event ended is a 409 event_ended, and nothing changes", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const guest = await joinAsGuest(event._id, "Gus").expect(201);
    await startEvent(host, event._id);
    await api()
      .post(`/api/events/${event._id}/end`)
      .set(...bearer(host.token))
      .expect(200);
    expectError(await leave(guest.body, event._id), 409, "event_ended");
    expect(payloadsOf(event._id, "participant-left")).toEqual([]);
    expect((await storedCounters(event._id)).participants).toBe(1);
  });

  it("POST /api/events/:eventId/leave – not a participant (or already left) is a 403 forbidden", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    expectError(await leave(host, event._id), 403, "forbidden");
    const guest = await joinAsGuest(event._id, "Gus").expect(201);
    await leave(guest.body, event._id).expect(200);
    expectError(await leave(guest.body, event._id), 403, "forbidden");
    expect(payloadsOf(event._id, "participant-left")).toHaveLength(1);
  });

  it("POST /api/events/:eventId/leave – an unknown event is a 404 not_found, a malformed id a 400", async () => {
    const user = await createUser();
    expectError(await leave(user, newObjectId()), 404, "not_found");
    expectError(await leave(user, "nope"), 400, "invalid_input");
  });

  it("POST /api/events/:eventId/leave – without a token is a 401 unauthorized", async () => {
    const event = await createEvent(await createHost());
    expectError(await api().post(`/api/events/${event._id}/leave`), 401, "unauthorized");
  });

  it("POST /api/events/:eventId/leave – the same participant leaving 4 times at once: one 200, one participant-left", async () => {
    const event = await createEvent(await createHost());
    const guest = await joinAsGuest(event._id, "Gus").expect(201);
    const responses = await Promise.all(Array.from({ length: 4 }, () => leave(guest.body, event._id)));
    expect(responses.map((res) => res.status).sort()).toEqual([200, 403, 403, 403]);
    expect(payloadsOf(event._id, "participant-left")).toHaveLength(1);
    expect(await storedCounters(event._id)).toMatchObject({ participantCount: 0, participants: 0 });
    const log = await storedActivity(event._id);
    expect(log.filter((entry) => entry.event === "participant-left")).toHaveLength(1);
  });

  it("POST /api/events/:eventId/leave – a leave racing a join for the last seat: never more people than seats", async () => {
    for (let round = 0; round < 4; round++) {
      const event = await createEvent(await createHost(), { maxParticipant: 2 });
      const leaver = await joinAsGuest(event._id, "Leaver").expect(201);
      await joinAsGuest(event._id, "Stayer").expect(201);
      const [left, joined] = await Promise.all([leave(leaver.body, event._id), joinAsGuest(event._id, "Newcomer")]);
      expect(left.status).toBe(200);
      const counters = await storedCounters(event._id);
      if (joined.status === 201) {
        expect(counters).toEqual({ openSeats: 0, participantCount: 2, participants: 2 });
      } else {
        expectError(joined, 400, "event_full");
        expect(counters).toEqual({ openSeats: 1, participantCount: 1, participants: 1 });
      }
    }
  });

  it("POST /api/events/:eventId/leave – a function that died after logging the leave: the cron finishes and publishes it", async () => {
    const event = await createEvent(await createHost(), { maxParticipant: 3 });
    const guest = await joinAsGuest(event._id, "Gus").expect(201);
    const participantId = guest.body.participant._id;
    // Steps 1 and 2 of leaveEvent (seq reserved, entry logged unsent), then nothing.
    const reserved = await Event.findOneAndUpdate(
      { _id: event._id },
      { $inc: { lastSeq: 1, inFlight: 1 } },
      { returnDocument: "after" },
    ).lean();
    await ActivityEntry.create({
      eventId: event._id,
      seq: reserved?.lastSeq,
      event: "participant-left",
      data: { participantId, name: "Gus" },
      at: new Date(),
      sent: false,
    });
    await ageActivity(event._id);
    await api()
      .get("/api/cron/publish-pending")
      .set("Authorization", "Bearer test-cron-secret-of-at-least-32-chars")
      .expect(200);

    expect(await storedCounters(event._id)).toEqual({ openSeats: 3, participantCount: 0, participants: 0 });
    // Logged before `reason` existed: re-sent as the leave it was.
    expect(payloadsOf(event._id, "participant-left")).toEqual([{ participantId, name: "Gus", reason: "left" }]);
    const logged = (await storedActivity(event._id)).find((entry) => entry.event === "participant-left");
    expect(logged?.sent).toBe(true);
  });
});
