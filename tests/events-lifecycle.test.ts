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
  publishedWithRequests,
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

const LIFECYCLE_EVENTS = new Set(["event-started", "event-ended", "event"]);

/** Names of the lifecycle events published for `eventId`, in order: the guide's and the apps' `event`. */
function lifecycleEvents(eventId: string): string[] {
  return publishedTo(eventId)
    .map((message) => message.name)
    .filter((name) => LIFECYCLE_EVENTS.has(name));
}

/** The Pusher request that carried each of `eventId`'s lifecycle events, in order. */
function lifecycleRequests(eventId: string): number[] {
  return publishedWithRequests(eventId)
    .filter((message) => LIFECYCLE_EVENTS.has(message.name))
    .map((message) => message.request);
}

// Each transition is reachable three ways; all must behave the same.
const routes = {
  "POST …/start and …/end": { toActive: start, toEnded: end },
  "PUT …/status": {
    toActive: (user: TestUser, eventId: string) => setStatus(user, eventId, { status: "active" }),
    toEnded: (user: TestUser, eventId: string) => setStatus(user, eventId, { status: "ended" }),
  },
  "PUT …/status in the apps' words": {
    toActive: (user: TestUser, eventId: string) => setStatus(user, eventId, { status: "In Progress" }),
    toEnded: (user: TestUser, eventId: string) => setStatus(user, eventId, { status: "Completed" }),
  },
};

describe.each(Object.entries(routes))("event lifecycle through %s", (label, { toActive, toEnded }) => {
  it(`${label} – pending → active sets startedAt and publishes event-started and event {status} in one request`, async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const before = Date.now();
    const res = await toActive(host, event._id);
    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(res.body.event).toMatchObject({
      _id: event._id,
      state: "active",
      currentState: "In Progress",
      gameType: "Name Bingo",
      endedAt: null,
    });
    const startedAt: string = res.body.event.startedAt;
    expect(new Date(startedAt).toISOString()).toBe(startedAt);
    expect(new Date(startedAt).getTime()).toBeGreaterThanOrEqual(before - 1000);

    expect(publishedTo(event._id)).toEqual([
      { name: "event-started", data: { eventId: event._id, state: "active", startedAt, seq: 1 } },
      { name: "event", data: { status: "In Progress", seq: 2 } },
    ]);
    const [first, second] = lifecycleRequests(event._id);
    expect(second).toBe(first);
    const stored = await api().get(`/api/events/${event._id}`).expect(200);
    expect(stored.body.event).toMatchObject({ state: "active", currentState: "In Progress", startedAt });
  });

  it(`${label} – active → ended sets endedAt and publishes event-ended and event {status} in one request`, async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const started = await toActive(host, event._id).expect(200);
    const res = await toEnded(host, event._id);
    expect(res.status).toBe(200);
    expect(res.body.event).toMatchObject({
      _id: event._id,
      state: "ended",
      currentState: "Completed",
      startedAt: started.body.event.startedAt,
    });
    const endedAt: string = res.body.event.endedAt;
    expect(new Date(endedAt).toISOString()).toBe(endedAt);

    expect(lifecycleEvents(event._id)).toEqual(["event-started", "event", "event-ended", "event"]);
    expect(payloadsOf(event._id, "event-ended")).toEqual([{ eventId: event._id, state: "ended", endedAt }]);
    expect(payloadsOf(event._id, "event")).toEqual([{ status: "In Progress" }, { status: "Completed" }]);
    const requests = lifecycleRequests(event._id);
    expect(requests[3]).toBe(requests[2]);
    expect(requests[2]).not.toBe(requests[1]);
  });

  it(`${label} – starting twice is a 409 invalid_transition and publishes nothing more`, async () => {
    const host = await createHost();
    const event = await createEvent(host);
    await toActive(host, event._id).expect(200);
    expectError(await toActive(host, event._id), 409, "invalid_transition");
    expect(lifecycleEvents(event._id)).toEqual(["event-started", "event"]);
  });

  it(`${label} – ending a pending event is a 409 invalid_transition`, async () => {
    const host = await createHost();
    const event = await createEvent(host);
    expectError(await toEnded(host, event._id), 409, "invalid_transition");
    expect(lifecycleEvents(event._id)).toEqual([]);
    const stored = await api().get(`/api/events/${event._id}`).expect(200);
    expect(stored.body.event).toMatchObject({ state: "pending", currentState: "Upcoming", endedAt: null });
  });

  it(`${label} – an ended event cannot become active or ended again (409 invalid_transition)`, async () => {
    const host = await createHost();
    const event = await createEvent(host);
    await toActive(host, event._id).expect(200);
    await toEnded(host, event._id).expect(200);
    expectError(await toActive(host, event._id), 409, "invalid_transition");
    expectError(await toEnded(host, event._id), 409, "invalid_transition");
    expect(lifecycleEvents(event._id)).toEqual(["event-started", "event", "event-ended", "event"]);
  });

  it(`${label} – another user is a 403 forbidden and the event is unchanged`, async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const other = await createUser();
    expectError(await toActive(other, event._id), 403, "forbidden");
    await toActive(host, event._id).expect(200);
    expectError(await toEnded(other, event._id), 403, "forbidden");
    const stored = await api().get(`/api/events/${event._id}`).expect(200);
    expect(stored.body.event).toMatchObject({ state: "active", currentState: "In Progress" });
    expect(lifecycleEvents(event._id)).toEqual(["event-started", "event"]);
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
    expect(payloadsOf(event._id, "event")).toEqual([{ status: "In Progress" }]);
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
    expect(stored.body.event).toMatchObject({ state: "pending", currentState: "Upcoming" });
  });

  it.each([
    ["paused", { status: "paused" }],
    ["pending", { status: "pending" }],
    ["Upcoming", { status: "Upcoming" }],
    ["in the wrong case", { status: "in progress" }],
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
    expect(res.body).toEqual({
      success: false,
      code: "method_not_allowed",
      error: expect.any(String),
      requestId: res.headers["x-request-id"],
    });
  });
});
