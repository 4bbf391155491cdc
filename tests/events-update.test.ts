import { describe, expect, it } from "vitest";
import {
  api,
  bearer,
  createEvent,
  createHost,
  createUser,
  expectError,
  joinAsGuest,
  newObjectId,
  startEvent,
  type TestUser,
} from "./support/harness";

function editEvent(user: TestUser, eventId: string, body: object) {
  return api()
    .put(`/api/events/${eventId}`)
    .set(...bearer(user.token))
    .send(body);
}

describe("PUT /api/events/:eventId", () => {
  it("PUT /api/events/:eventId – the host saves the dashboard's edit form; the event reads back changed", async () => {
    const host = await createHost();
    const event = await createEvent(host, { name: "Draft", maxParticipant: 10 });
    const form = {
      name: "Founders Mixer",
      description: "Bring a card",
      startDate: "2026-12-01T18:00:00.000Z",
      endDate: "2026-12-01T21:00:00.000Z",
      maxParticipant: 25,
    };
    const res = await editEvent(host, event._id, form);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      event: {
        _id: event._id,
        ...form,
        joinCode: event.joinCode,
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
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      },
    });
    const stored = await api().get(`/api/events/${event._id}`).expect(200);
    expect(stored.body.event).toMatchObject({ ...form, participantIds: [] });
  });

  it("PUT /api/events/:eventId – fields left out are kept; a raised limit opens seats, null removes it", async () => {
    const host = await createHost();
    const event = await createEvent(host, { name: "Tiny", description: "Keep me", maxParticipant: 1 });
    await joinAsGuest(event._id, "First").expect(201);
    expectError(await joinAsGuest(event._id, "Second"), 400, "event_full");

    const raised = await editEvent(host, event._id, { maxParticipant: 2 }).expect(200);
    expect(raised.body.event).toMatchObject({ name: "Tiny", description: "Keep me", maxParticipant: 2 });
    await joinAsGuest(event._id, "Second").expect(201);
    expectError(await joinAsGuest(event._id, "Third"), 400, "event_full");

    await editEvent(host, event._id, { maxParticipant: null }).expect(200);
    await joinAsGuest(event._id, "Third").expect(201);
    const stored = await api().get(`/api/events/${event._id}`).expect(200);
    expect(stored.body.event).toMatchObject({ maxParticipant: null, participantCount: 3 });
  });

  it("PUT /api/events/:eventId – lowering the limit to the current count closes the event to new joins", async () => {
    const host = await createHost();
    const event = await createEvent(host, { maxParticipant: 10 });
    await joinAsGuest(event._id, "One").expect(201);
    await joinAsGuest(event._id, "Two").expect(201);
    await editEvent(host, event._id, { maxParticipant: 2 }).expect(200);
    expectError(await joinAsGuest(event._id, "Three"), 400, "event_full");
  });

  it("PUT /api/events/:eventId – an active event can be edited", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    await startEvent(host, event._id);
    const res = await editEvent(host, event._id, { name: "Renamed live" }).expect(200);
    expect(res.body.event).toMatchObject({ name: "Renamed live", state: "active", currentState: "In Progress" });
  });

  it("PUT /api/events/:eventId – maxParticipant below the people who joined is a 409 participant_limit_too_low", async () => {
    const host = await createHost();
    const event = await createEvent(host, { maxParticipant: 5 });
    for (const name of ["A", "B", "C"]) await joinAsGuest(event._id, name).expect(201);
    expectError(await editEvent(host, event._id, { maxParticipant: 2 }), 409, "participant_limit_too_low");
    const stored = await api().get(`/api/events/${event._id}`).expect(200);
    expect(stored.body.event.maxParticipant).toBe(5);
  });

  it("PUT /api/events/:eventId – an end date before the start (stored or sent) is a 400 invalid_input", async () => {
    const host = await createHost();
    const event = await createEvent(host, { startDate: "2026-12-01T18:00:00.000Z" });
    const sentBoth = await editEvent(host, event._id, {
      startDate: "2026-12-02T00:00:00.000Z",
      endDate: "2026-12-01T00:00:00.000Z",
    });
    expectError(sentBoth, 400, "invalid_input");
    const againstStored = await editEvent(host, event._id, { endDate: "2026-11-30T00:00:00.000Z" });
    expectError(againstStored, 400, "invalid_input");
    expect(againstStored.body.issues).toEqual([{ path: "endDate", message: "must be after startDate" }]);
  });

  it("PUT /api/events/:eventId – a bad field is a 400 invalid_input naming it", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const res = await editEvent(host, event._id, { name: "", maxParticipant: 0 });
    expectError(res, 400, "invalid_input");
    expect(res.body.issues.map((issue: { path: string }) => issue.path).sort()).toEqual(["maxParticipant", "name"]);
  });

  it("PUT /api/events/:eventId – an ended event is a 409 event_ended", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    await startEvent(host, event._id);
    await api()
      .post(`/api/events/${event._id}/end`)
      .set(...bearer(host.token))
      .expect(200);
    expectError(await editEvent(host, event._id, { name: "Too late" }), 409, "event_ended");
  });

  it("PUT /api/events/:eventId – someone other than the host is a 403 forbidden", async () => {
    const event = await createEvent(await createHost());
    expectError(await editEvent(await createUser(), event._id, { name: "Mine now" }), 403, "forbidden");
  });

  it("PUT /api/events/:eventId – an unknown event is a 404 not_found, a malformed id a 400", async () => {
    const host = await createHost();
    expectError(await editEvent(host, newObjectId(), { name: "X" }), 404, "not_found");
    expectError(await editEvent(host, "nope", { name: "X" }), 400, "invalid_input");
  });

  it("PUT /api/events/:eventId – without a token is a 401 unauthorized", async () => {
    const event = await createEvent(await createHost());
    expectError(await api().put(`/api/events/${event._id}`).send({ name: "X" }), 401, "unauthorized");
  });

  it("PUT /api/events/:eventId – lowering the limit to 6 while 8 guests join an event of 4 never leaves more people than the limit", async () => {
    for (let round = 0; round < 3; round++) {
      const host = await createHost();
      const event = await createEvent(host, { maxParticipant: 10 });
      for (const name of ["A", "B", "C", "D"]) await joinAsGuest(event._id, name).expect(201);
      const [edit, ...joins] = await Promise.all([
        editEvent(host, event._id, { maxParticipant: 6 }),
        ...Array.from({ length: 8 }, (_, i) => joinAsGuest(event._id, `Racer ${i}`)),
      ]);
      const admitted = joins.filter((res) => res.status === 201).length;
      expect(joins.every((res) => res.status === 201 || res.body.code === "event_full")).toBe(true);
      const stored = await api().get(`/api/events/${event._id}`).expect(200);
      expect(stored.body.event.participantIds).toHaveLength(4 + admitted);
      expect(stored.body.event.participantCount).toBe(4 + admitted);
      if (edit.status === 200) {
        // The edit went first or between: the joins after it found the new limit.
        expect(stored.body.event.maxParticipant).toBe(6);
        expect(4 + admitted).toBeLessThanOrEqual(6);
      } else {
        // The joins went first: more than 6 were in when the edit came.
        expectError(edit, 409, "participant_limit_too_low");
        expect(stored.body.event.maxParticipant).toBe(10);
        expect(4 + admitted).toBeGreaterThan(6);
      }
    }
  });
});
