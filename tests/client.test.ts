import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createShatterClient } from "../client";
import { staleClientFiles } from "../dev/generate-client";
import { listener, payloadsOf } from "./support/harness";

// The typed client in client/ (openapi-fetch over the generated types) driving a whole event
// against the real server on a loopback port: every response also goes through the contract check.

let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server?.close(resolve)));

describe("client/", () => {
  it("client – signs up, creates, joins, starts, marks, reads the leaderboard and ends a whole event", async () => {
    const api = createShatterClient({ baseUrl });

    const signup = await api.POST("/api/auth/signup", {
      body: { name: "Hana Host", email: `host-${Date.now()}@example.com`, password: "correct horse battery" },
    });
    expect(signup.response.status).toBe(201);
    const hostToken = signup.data?.token ?? "";
    const host = createShatterClient({ baseUrl, token: () => hostToken });

    const grid = Array.from({ length: 3 }, (_, row) =>
      Array.from({ length: 3 }, (_, col) => ({ question: `Find someone who knows ${row}-${col}` })),
    );
    const created = await host.POST("/api/events/createEvent", { body: { name: "Client Mixer", bingo: { grid } } });
    expect(created.data?.event).toMatchObject({
      name: "Client Mixer",
      state: "pending",
      currentState: "Upcoming",
      participantCount: 0,
    });
    const eventId = created.data?.event._id ?? "";
    const joinCode = created.data?.event.joinCode ?? "";

    const byCode = await api.GET("/api/events/event/{joinCode}", { params: { path: { joinCode } } });
    expect(byCode.data?.event._id).toBe(eventId);

    const path = { eventId };
    const ada = await api.POST("/api/events/{eventId}/join/guest", { params: { path }, body: { name: "Ada" } });
    const bob = await api.POST("/api/events/{eventId}/join/guest", { params: { path }, body: { name: "Bob" } });
    expect([ada.response.status, bob.response.status]).toEqual([201, 201]);
    const adaClient = createShatterClient({ baseUrl, token: ada.data?.token });

    const started = await host.POST("/api/events/{eventId}/start", { params: { path } });
    expect(started.data?.event.state).toBe("active");

    const bobId = bob.data?.participant._id ?? "";
    for (const row of [0, 1, 2]) {
      const mark = await adaClient.POST("/api/events/{eventId}/bingo", {
        params: { path },
        body: { row, col: row, participantId: bobId },
      });
      if (row === 0) expect(mark.data?.achievements).toEqual([]);
      if (row === 1) expect(mark.error).toMatchObject({ code: "participant_already_used" });
    }
    const card = await adaClient.GET("/api/events/{eventId}/bingo", { params: { path } });
    expect(card.data?.card?.marks).toEqual([{ row: 0, col: 0, participantId: bobId, name: "Bob" }]);

    const board = await api.GET("/api/events/{eventId}/leaderboard", { params: { path } });
    expect(board.data?.map((entry) => [entry.name, entry.squaresFilled])).toEqual([
      ["Ada", 1],
      ["Bob", 0],
    ]);

    const ended = await host.POST("/api/events/{eventId}/end", { params: { path } });
    expect(ended.data?.event.state).toBe("ended");
    const again = await host.POST("/api/events/{eventId}/end", { params: { path } });
    expect(again.response.status).toBe(409);
    expect(again.error).toEqual({
      success: false,
      code: "invalid_transition",
      error: expect.any(String),
      requestId: again.response.headers.get("x-request-id"),
    });

    const activity = await api.GET("/api/events/{eventId}/activity", { params: { path, query: { after: 0 } } });
    const lifecycle = ["participant-joined", "event-started", "event-ended"];
    const seen = activity.data?.activity.map((entry) => entry.event).filter((name) => lifecycle.includes(name));
    expect(seen).toEqual(["participant-joined", "participant-joined", "event-started", "event-ended"]);
    // Each of the two refused marks reserved a seq with its read of the event (issue 21) and,
    // no write having reserved one since, took it back: the log has no gap.
    expect(activity.data?.lastSeq).toBe(activity.data?.activity.length ?? 0);
    expect(payloadsOf(eventId, "event-ended")).toHaveLength(1);
  });

  it("client – client/openapi.json and client/schema.d.ts are what npm run client:generate writes", async () => {
    expect(await staleClientFiles()).toEqual([]);
  });
});
