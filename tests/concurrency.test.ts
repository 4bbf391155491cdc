import { describe, expect, it } from "vitest";
import { User } from "../src/models/user";
import { api, bearer, createEvent, createHost, createUser, joinAsGuest, payloadsOf } from "./support/harness";

// Races on the real database (FerretDB offline): every invariant is one conditional single-document
// update, so these hold only if the database applies each update atomically.

function joinedEvents(eventId: string) {
  return payloadsOf(eventId, "participant-joined");
}

function statuses(responses: { status: number }[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const res of responses) counts[res.status] = (counts[res.status] ?? 0) + 1;
  return counts;
}

/** Shows the body of any response that is not one of the expected statuses, so a failure names its cause. */
function unexpected(responses: { status: number; body: unknown }[], allowed: number[]) {
  return responses
    .filter((res) => !allowed.includes(res.status))
    .map((res) => ({ status: res.status, body: res.body }));
}

describe("concurrent joins and transitions", () => {
  it("POST /api/events/:eventId/join/guest – 20 concurrent guests for 5 seats: exactly 5 get in, 15 get 400 event_full", async () => {
    const event = await createEvent(await createHost(), { maxParticipant: 5 });
    const usersBefore = await User.countDocuments({});

    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => joinAsGuest(event._id, `Racer ${i + 1}`)));
    expect(unexpected(responses, [201, 400])).toEqual([]);
    expect(statuses(responses)).toEqual({ 201: 5, 400: 15 });
    for (const res of responses.filter((r) => r.status === 400)) {
      expect(res.body).toEqual({
        success: false,
        code: "event_full",
        error: expect.any(String),
        requestId: res.headers["x-request-id"],
      });
    }

    const stored = await api().get(`/api/events/${event._id}`).expect(200);
    expect(stored.body.event.participantCount).toBe(5);
    expect(stored.body.event.participantIds).toHaveLength(5);
    const admitted = responses.filter((r) => r.status === 201).map((r) => r.body.participant._id);
    expect(new Set(stored.body.event.participantIds.map((p: { _id: string }) => p._id))).toEqual(new Set(admitted));
    expect(joinedEvents(event._id)).toHaveLength(5);
    // The refused guests were removed again.
    expect(await User.countDocuments({})).toBe(usersBefore + 5);
  });

  it("POST /api/events/:eventId/join/user – the same user joining 5 times at once: one 201, four 200 alreadyJoined", async () => {
    const event = await createEvent(await createHost());
    const user = await createUser({ name: "Eager Eve" });

    const responses = await Promise.all(
      Array.from({ length: 5 }, () =>
        api()
          .post(`/api/events/${event._id}/join/user`)
          .set(...bearer(user.token))
          .send({}),
      ),
    );
    expect(unexpected(responses, [200, 201])).toEqual([]);
    expect(statuses(responses)).toEqual({ 200: 4, 201: 1 });
    const created = responses.find((r) => r.status === 201);
    for (const res of responses.filter((r) => r.status === 200)) {
      expect(res.body).toEqual({ success: true, participant: created?.body.participant, alreadyJoined: true });
    }

    const stored = await api().get(`/api/events/${event._id}`).expect(200);
    expect(stored.body.event.participantCount).toBe(1);
    expect(stored.body.event.participantIds).toHaveLength(1);
    expect(joinedEvents(event._id)).toHaveLength(1);
  });

  it("POST /api/events/:eventId/join/guest – 10 concurrent guests named Sam get 10 distinct names, Sam to Sam (10)", async () => {
    const event = await createEvent(await createHost());

    const responses = await Promise.all(Array.from({ length: 10 }, () => joinAsGuest(event._id, "Sam")));
    expect(unexpected(responses, [201])).toEqual([]);
    const names = responses.map((res) => res.body.participant.name as string);
    const expected = ["Sam", ...Array.from({ length: 9 }, (_, i) => `Sam (${i + 2})`)];
    expect([...names].sort()).toEqual([...expected].sort());

    const stored = await api().get(`/api/events/${event._id}`).expect(200);
    expect(stored.body.event.participantCount).toBe(10);
    expect(stored.body.event.participantIds.map((p: { name: string }) => p.name).sort()).toEqual([...expected].sort());
    expect(
      joinedEvents(event._id)
        .map((payload) => payload.name)
        .sort(),
    ).toEqual([...expected].sort());
  });

  it("POST /api/events/:eventId/start – two concurrent starts: one 200, one 409, one event-started", async () => {
    const host = await createHost();
    const event = await createEvent(host);

    const responses = await Promise.all(
      [0, 1].map(() =>
        api()
          .post(`/api/events/${event._id}/start`)
          .set(...bearer(host.token)),
      ),
    );
    expect(unexpected(responses, [200, 409])).toEqual([]);
    expect(statuses(responses)).toEqual({ 200: 1, 409: 1 });
    const refused = responses.find((r) => r.status === 409);
    expect(refused?.body).toEqual({
      success: false,
      code: "invalid_transition",
      error: expect.any(String),
      requestId: refused?.headers["x-request-id"],
    });

    const startedAt = responses.find((r) => r.status === 200)?.body.event.startedAt;
    expect(payloadsOf(event._id, "event-started")).toEqual([{ eventId: event._id, state: "active", startedAt }]);
    expect(payloadsOf(event._id, "event")).toEqual([{ status: "In Progress" }]);
  });
});
