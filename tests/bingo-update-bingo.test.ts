import { describe, expect, it } from "vitest";
import { dashboardGrid } from "./support/bingo-grids";
import {
  api,
  bearer,
  createEvent,
  createHost,
  createUser,
  expectError,
  startEvent,
  type TestUser,
} from "./support/harness";

function updateBingo(user: TestUser | null, body: unknown) {
  const req = api().put("/api/bingo/updateBingo");
  return user ? req.set(...bearer(user.token)).send(body as object) : req.send(body as object);
}

describe("PUT /api/bingo/updateBingo", () => {
  it("PUT /api/bingo/updateBingo – the bingo editor's save replaces grid and description; getBingo reads them back", async () => {
    const host = await createHost();
    const event = await createEvent(host, { bingo: { grid: dashboardGrid(3), description: "First draft" } });
    const res = await updateBingo(host, { id: event._id, description: "Final", grid: dashboardGrid(5, "final") });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      bingo: { size: 5, grid: dashboardGrid(5, "final"), description: "Final" },
    });
    const read = await api().get(`/api/bingo/getBingo/${event._id}`).expect(200);
    expect(read.body).toEqual({ success: true, bingo: res.body.bingo });
  });

  it("PUT /api/bingo/updateBingo – without a description the stored one is kept", async () => {
    const host = await createHost();
    const event = await createEvent(host, { bingo: { grid: dashboardGrid(3), description: "Keep me" } });
    const res = await updateBingo(host, { id: event._id, grid: dashboardGrid(4) }).expect(200);
    expect(res.body.bingo).toEqual({ size: 4, grid: dashboardGrid(4), description: "Keep me" });
  });

  it("PUT /api/bingo/updateBingo – a square without a question is a 400 naming the square", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const grid = dashboardGrid(3).map((row, r) =>
      row.map((square, c) => (r === 2 && c === 0 ? { question: " ", shortQuestion: "x" } : square)),
    );
    const res = await updateBingo(host, { id: event._id, grid });
    expectError(res, 400, "invalid_input");
    expect(res.body.issues.map((issue: { path: string }) => issue.path)).toEqual(["grid.2.0.question"]);
  });

  it("PUT /api/bingo/updateBingo – not the host is a 403, a started event a 409 event_not_pending, no token a 401", async () => {
    const host = await createHost();
    const event = await createEvent(host);
    const body = { id: event._id, grid: dashboardGrid(3) };
    expectError(await updateBingo(await createUser(), body), 403, "forbidden");
    expectError(await updateBingo(null, body), 401, "unauthorized");
    await startEvent(host, event._id);
    expectError(await updateBingo(host, body), 409, "event_not_pending");
  });

  it("POST /api/bingo/updateBingo – a wrong method is a 405 with an Allow header", async () => {
    const res = await api().post("/api/bingo/updateBingo").send({});
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("PUT, OPTIONS");
    expect(res.body).toEqual({
      success: false,
      code: "method_not_allowed",
      error: expect.any(String),
      requestId: res.headers["x-request-id"],
    });
  });
});
