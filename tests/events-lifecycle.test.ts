import { describe, expect, it } from "vitest";
import {
  api,
  bearer,
  createEvent,
  createHost,
  createUser,
  expectError,
  newObjectId,
  payloadsOf,
  publishedTo,
  type TestUser,
} from "./support/harness";

function start(user: TestUser, eventId: string) {
  return api()
    .post(`/api/events/${eventId}/start`)
    .set(...bearer(user.token));
}

function end(user: TestUser, eventId: string) {
  return api()
    .post(`/api/events/${eventId}/end`)
    .set(...bearer(user.token));
}

function setStatus(user: TestUser, eventId: string, body: unknown) {
  return api()
    .put(`/api/events/${eventId}/status`)
    .set(...bearer(user.token))
    .send(body as object);
}

/** Names of the lifecycle events published for `eventId`, in order. */
function lifecycleEvents(eventId: string): string[] {
  return publishedTo(eventId)
    .map((message) => message.name)
    .filter((name) => name === "event-started" || name === "event-ended");
}

// Each transition is reachable two ways; both must behave the same.
const routes = {
  "POST …/start and …/end": { toActive: start, toEnded: end },
  "PUT …/status": {
    toActive: (user: TestUser, eventId: string) => setStatus(user, eventId, { status: "active" }),
    toEnded: (user: TestUser, eventId: string) => setStatus(user, eventId, { status: "ended" }),
  },
};

describe.each(Object.entries(routes))("event lifecycle through %s", (label, { toActive, toEnded }) => {
  it(`${label} – pending → active sets startedAt and publishes one event-started`, async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const before = Date.now();
    const res = await toActive(host, event._id);
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(res.body.event).toMatchObject({ _id: event._id, currentState: "active", endedAt: null });
    const startedAt: string = res.body.event.startedAt;
    expect(new Date(startedAt).toISOString()).toBe(startedAt);
    expect(new Date(startedAt).getTime()).toBeGreaterThanOrEqual(before - 1000);

    expect(lifecycleEvents(event._id)).toEqual(["event-started"]);
    expect(payloadsOf(event._id, "event-started")).toEqual([{ eventId: event._id, state: "active", startedAt }]);
    const stored = await api().get(`/api/events/${event._id}`).expect(200);
    expect(stored.body.event).toMatchObject({ currentState: "active", startedAt });
  });

  it(`${label} – active → ended sets endedAt and publishes one event-ended`, async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const started = await toActive(host, event._id).expect(200);
    const res = await toEnded(host, event._id);
    expect(res.status).toBe(200);
    expect(res.body.event).toMatchObject({
      _id: event._id,
      currentState: "ended",
      startedAt: started.body.event.startedAt,
    });
    const endedAt: string = res.body.event.endedAt;
    expect(new Date(endedAt).toISOString()).toBe(endedAt);

    expect(lifecycleEvents(event._id)).toEqual(["event-started", "event-ended"]);
    expect(payloadsOf(event._id, "event-ended")).toEqual([{ eventId: event._id, state: "ended", endedAt }]);
  });

  it(`${label} – starting twice is a 409 invalid_transition and publishes nothing more`, async () => {
    const host = await createHost();
    const event = await createEvent(host);
    await toActive(host, event._id).expect(200);
    expectError(await toActive(host, event._id), 409, "invalid_transition");
    expect(lifecycleEvents(event._id)).toHaveLength(1);
  });

  it(`${label} – ending a pending event is a 409 invalid_transition`, async () => {
    const host = await createHost();
    const event = await createEvent(host);
    expectError(await toEnded(host, event._id), 409, "invalid_transition");
    expect(lifecycleEvents(event._id)).toEqual([]);
    const stored = await api().get(`/api/events/${event._id}`).expect(200);
    expect(stored.body.event).toMatchObject({ currentState: "pending", endedAt: null });
  });

  it(`${label} – an ended event cannot become active or ended again (409 invalid_transition)`, async () => {
    const host = await createHost();
    const event = await createEvent(host);
    await toActive(host, event._id).expect(200);
    await toEnded(host, event._id).expect(200);
    expectError(await toActive(host, event._id), 409, "invalid_transition");
    expectError(await toEnded(host, event._id), 409, "invalid_transition");
    expect(lifecycleEvents(event._id)).toHaveLength(2);
  });

  it(`${label} – another user is a 403 forbidden and the event is unchanged`, async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const other = await createUser();
    expectError(await toActive(other, event._id), 403, "forbidden");
    await toActive(host, event._id).expect(200);
    expectError(await toEnded(other, event._id), 403, "forbidden");
    const stored = await api().get(`/api/events/${event._id}`).expect(200);
    expect(stored.body.event.currentState).toBe("active");
    expect(lifecycleEvents(event._id)).toHaveLength(1);
  });

  it(`${label} – a guest who joined is a 403 forbidden`, async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const guest = await api().post(`/api/events/${event._id}/join/guest`).send({ name: "Gate Crasher" }).expect(201);
    const res = await toActive({ userId: guest.body.userId, token: guest.body.token, email: "", name: "" }, event._id);
    expectError(res, 403, "forbidden");
  });

  it(`${label} – an id given in upper case is announced with the event's canonical id`, async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const res = await toActive(host, event._id.toUpperCase());
    expect(res.status).toBe(200);
    expect(res.body.event._id).toBe(event._id);
    expect(payloadsOf(event._id, "event-started")).toEqual([
      { eventId: event._id, state: "active", startedAt: res.body.event.startedAt },
    ]);
  });

  it(`${label} – an unknown event is a 404 not_found`, async () => {
    expectError(await toActive(await createHost(), newObjectId()), 404, "not_found");
  });

  it(`${label} – a malformed event id is a 400`, async () => {
    const res = await toActive(await createHost(), "nope");
    expectError(res, 400, "invalid_input");
    expect(res.body.issues.map((issue: { path: string }) => issue.path)).toEqual(["eventId"]);
  });
});

describe("event lifecycle – authentication and body", () => {
  it.each([
    ["POST", "start"],
    ["POST", "end"],
    ["PUT", "status"],
  ] as const)("%s /api/events/:eventId/%s – no token is a 401 unauthorized", async (method, action) => {
    const host = await createHost();
    const event = await createEvent(host);
    const req =
      method === "PUT"
        ? api().put(`/api/events/${event._id}/${action}`).send({ status: "active" })
        : api().post(`/api/events/${event._id}/${action}`);
    expectError(await req, 401, "unauthorized");
    const stored = await api().get(`/api/events/${event._id}`).expect(200);
    expect(stored.body.event.currentState).toBe("pending");
  });

  it.each([
    ["paused", { status: "paused" }],
    ["pending", { status: "pending" }],
    ["missing", {}],
    ["an operator object", { status: { $ne: "x" } }],
  ])("PUT /api/events/:eventId/status – status %s is a 400 invalid_input on path status", async (_label, body) => {
    const host = await createHost();
    const event = await createEvent(host);
    const res = await setStatus(host, event._id, body);
    expectError(res, 400, "invalid_input");
    expect(res.body.issues.map((issue: { path: string }) => issue.path)).toEqual(["status"]);
    expect(lifecycleEvents(event._id)).toEqual([]);
  });

  it("GET /api/events/:eventId/start – a wrong method is a 405 with an Allow header", async () => {
    const event = await createEvent(await createHost());
    const res = await api().get(`/api/events/${event._id}/start`);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("POST, OPTIONS");
    expect(res.body).toEqual({ success: false, code: "method_not_allowed", error: expect.any(String) });
  });
});
