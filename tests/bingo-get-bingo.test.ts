import { describe, expect, it } from "vitest";
import { dashboardGrid } from "./support/bingo-grids";
import {
  api,
  bearer,
  createEvent,
  createHost,
  expectError,
  joinAsGuest,
  newObjectId,
  startEvent,
} from "./support/harness";

describe("GET /api/bingo/getBingo/:eventId", () => {
  it("GET /api/bingo/getBingo/:eventId – public: the grid as 2-D {question, shortQuestion} and the description", async () => {
    const host = await createHost();
    const event = await createEvent(host, { bingo: { grid: dashboardGrid(3), description: "Say hi" } });
    const res = await api().get(`/api/bingo/getBingo/${event._id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, bingo: { size: 3, grid: dashboardGrid(3), description: "Say hi" } });
    const same = await api().get(`/api/events/${event._id}/bingo`).expect(200);
    expect(same.body).toEqual(res.body);
  });

  it("GET /api/bingo/getBingo/:eventId – the phone's bingo card: an event with the default grid, read with a guest's token", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const guest = await joinAsGuest(event._id, "Card Reader").expect(201);
    await startEvent(host, event._id);
    const res = await api()
      .get(`/api/bingo/getBingo/${event._id}`)
      .set(...bearer(guest.body.token))
      .expect(200);
    expect(res.body.bingo.grid).toHaveLength(5);
    for (const row of res.body.bingo.grid) {
      expect(row).toHaveLength(5);
      for (const square of row)
        expect(square).toEqual({ question: expect.any(String), shortQuestion: expect.any(String) });
    }
    expect(res.body.bingo.description).toBe("");
    expect(res.body.card).toEqual({ marks: [], linesCompleted: 0, completed: false });
  });

  it("GET /api/bingo/getBingo/:eventId – an unknown event is a 404, a malformed id a 400 on eventId", async () => {
    expectError(await api().get(`/api/bingo/getBingo/${newObjectId()}`), 404, "not_found");
    const res = await api().get("/api/bingo/getBingo/not-an-id");
    expectError(res, 400, "invalid_input");
    expect(res.body.issues.map((issue: { path: string }) => issue.path)).toEqual(["eventId"]);
  });
});
