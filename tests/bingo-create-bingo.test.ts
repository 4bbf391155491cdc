import { describe, expect, it } from "vitest";
import { dashboardGrid } from "./support/bingo-grids";
import {
  api,
  bearer,
  createEvent,
  createHost,
  createUser,
  expectError,
  newObjectId,
  startEvent,
  type TestUser,
} from "./support/harness";

function createBingo(user: TestUser | null, body: unknown) {
  const req = api().post("/api/bingo/createBingo");
  return user ? req.set(...bearer(user.token)).send(body as object) : req.send(body as object);
}

describe("POST /api/bingo/createBingo", () => {
  it("POST /api/bingo/createBingo – the dashboard's create-with-grid flow: createEvent, then the grid and description", async () => {
    const host = await createHost();
    const created = await api()
      .post("/api/events/createEvent")
      .set(...bearer(host.token))
      .send({ name: "Grid Night", maxParticipant: 20, currentState: "Upcoming", gameType: "Name Bingo" })
      .expect(201);
    const eventId: string = created.body.event._id;

    const res = await createBingo(host, { _eventId: eventId, description: "Meet four people", grid: dashboardGrid(4) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      bingo: { size: 4, grid: dashboardGrid(4), description: "Meet four people" },
    });
    // The same storage as /api/events/:eventId/bingo.
    const read = await api().get(`/api/events/${eventId}/bingo`).expect(200);
    expect(read.body.bingo).toEqual(res.body.bingo);
  });

  it("POST /api/bingo/createBingo – the grid rules of /api/events/:eventId/bingo: a 2×2 or ragged grid is a 400 on grid", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    for (const grid of [dashboardGrid(2), [...dashboardGrid(3).slice(0, 2), dashboardGrid(2)[0]], dashboardGrid(6)]) {
      const res = await createBingo(host, { _eventId: event._id, grid });
      expectError(res, 400, "invalid_input");
      expect(res.body.issues.every((issue: { path: string }) => issue.path.startsWith("grid"))).toBe(true);
    }
    const read = await api().get(`/api/events/${event._id}/bingo`).expect(200);
    expect(read.body.bingo.size).toBe(5);
  });

  it("POST /api/bingo/createBingo – a missing or malformed _eventId is a 400 on _eventId", async () => {
    const host = await createHost();
    for (const body of [{ grid: dashboardGrid(3) }, { _eventId: "nope", grid: dashboardGrid(3) }]) {
      const res = await createBingo(host, body);
      expectError(res, 400, "invalid_input");
      expect(res.body.issues.map((issue: { path: string }) => issue.path)).toEqual(["_eventId"]);
    }
  });

  it("POST /api/bingo/createBingo – another user is a 403, an unknown event a 404, no token a 401", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const body = { _eventId: event._id, grid: dashboardGrid(3) };
    expectError(await createBingo(await createUser(), body), 403, "forbidden");
    expectError(await createBingo(host, { ...body, _eventId: newObjectId() }), 404, "not_found");
    expectError(await createBingo(null, body), 401, "unauthorized");
    expect((await api().get(`/api/events/${event._id}/bingo`).expect(200)).body.bingo.size).toBe(5);
  });

  it("POST /api/bingo/createBingo – once the event has started it is a 409 event_not_pending", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    await startEvent(host, event._id);
    expectError(await createBingo(host, { _eventId: event._id, grid: dashboardGrid(3) }), 409, "event_not_pending");
  });
});
