import { parse } from "csv-parse/sync";
import mongoose from "mongoose";
import { describe, expect, it } from "vitest";
import { env } from "../src/env";
import { Event } from "../src/models/event";
import { Participant } from "../src/models/participant";
import { ParticipantConnection } from "../src/models/participant-connection";
import { createBingoEvent, joinAsPlayer, markSquare, type Player, recordMeeting } from "./support/factories";
import { api, bearer, createUser, expectError, newObjectId, type TestUser } from "./support/harness";

const FORMULA = '=HYPERLINK("http://x")';

function exportTable(user: Pick<TestUser, "token">, eventId: string, query: string) {
  return api()
    .get(`/api/events/${eventId}/export?${query}`)
    .set(...bearer(user.token))
    .buffer(true)
    .parse((res, done) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      res.on("end", () => done(null, text));
    });
}

/** A started event: a guest named like a formula, one whose name needs quotes, a meeting and a mark. */
async function eventWithTrickyNames() {
  const { host, eventId, players } = await createBingoEvent(1);
  const [plain] = players as [Player];
  const formula = await joinAsPlayer(eventId, FORMULA, { email: "formula@example.com" });
  const quoted = await joinAsPlayer(eventId, 'Zoë "Z", Ünal');
  await recordMeeting(eventId, formula, plain).expect(201);
  await markSquare(eventId, plain, 0, 0, quoted).expect(200);
  return { host, eventId, plain, formula, quoted };
}

describe("GET /api/events/:eventId/export", () => {
  it("GET /api/events/:eventId/export – participants as CSV: BOM, header row, formula neutralised, parses back to the JSON rows, no email", async () => {
    const { host, eventId, formula } = await eventWithTrickyNames();
    const res = await exportTable(host, eventId, "format=csv&table=participants").expect(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).toBe(`attachment; filename="event-${eventId}-participants.csv"`);
    const text = res.body as string;
    expect(text.startsWith("\uFEFFparticipantId,name,account,joinedAt,left,connectionsCount,lines,completed\r\n")).toBe(
      true,
    );
    expect(text).not.toContain("@example.com");
    expect(text).toContain(`'=HYPERLINK(""http://x"")`);
    const rows = parse(text, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((row) => row.name)).toEqual(["Player 0", `'${FORMULA}`, 'Zoë "Z", Ünal']);
    expect(rows.find((row) => row.participantId === formula.participantId)).toMatchObject({
      account: "guest",
      left: "false",
      connectionsCount: "1",
    });

    const json = await exportTable(host, eventId, "format=json&table=participants").expect(200);
    expect(json.headers["content-type"]).toBe("application/json; charset=utf-8");
    const parsed = JSON.parse(json.body as string) as { table: string; rows: Record<string, unknown>[] };
    expect(parsed.table).toBe("participants");
    const asText = parsed.rows.map((row) =>
      Object.fromEntries(
        Object.entries(row).map(([key, value]) => [
          key,
          value === null ? "" : String(value).replace(/^(?=[=+\-@\t\r])/, "'"),
        ]),
      ),
    );
    expect(rows).toEqual(asText);
  });

  it("GET /api/events/:eventId/export – connections and leaderboard tables, CSV and JSON agree", async () => {
    const { host, eventId, plain, formula, quoted } = await eventWithTrickyNames();
    const csv = await exportTable(host, eventId, "format=csv&table=connections").expect(200);
    const rows = parse(csv.body as string, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((row) => [row.name, row.metName, row.square])).toEqual(
      expect.arrayContaining([
        [`'${FORMULA}`, plain.name, ""],
        [plain.name, quoted.name, "0"],
      ]),
    );
    expect(rows).toHaveLength(2);
    expect(Object.keys(rows[0] ?? {})).toContain("verified");
    const board = await exportTable(host, eventId, "format=json&table=leaderboard").expect(200);
    const parsed = JSON.parse(board.body as string) as { rows: Record<string, unknown>[] };
    expect(parsed.rows[0]).toMatchObject({ rank: 1, name: plain.name, squaresFilled: 1 });
    expect(parsed.rows.map((row) => row.participantId)).toContain(formula.participantId);
  });

  it("GET /api/events/:eventId/export – a participant who is not the host is a 403, an unknown event a 404, no token a 401", async () => {
    const { eventId, plain } = await eventWithTrickyNames();
    expectError(
      await api()
        .get(`/api/events/${eventId}/export`)
        .set(...bearer(plain.token)),
      403,
      "forbidden",
    );
    const stranger = await createUser();
    expectError(
      await api()
        .get(`/api/events/${newObjectId()}/export`)
        .set(...bearer(stranger.token)),
      404,
      "not_found",
    );
    expectError(await api().get(`/api/events/${eventId}/export`), 401, "unauthorized");
    expectError(
      await api()
        .get(`/api/events/${eventId}/export?table=emails`)
        .set(...bearer(stranger.token)),
      400,
      "invalid_input",
    );
  });

  it("GET /api/events/:eventId/export – 1,000 participants and 10,000 connections answer within the request budget", async () => {
    const { host, eventId } = await createBingoEvent(0, { start: false });
    const eventObjectId = new mongoose.Types.ObjectId(eventId);
    const people = Array.from({ length: 1000 }, (_, i) => ({
      _id: new mongoose.Types.ObjectId(),
      eventId: eventObjectId,
      userId: new mongoose.Types.ObjectId(),
      name: `Seeded ${i}`,
      nameKey: `seeded ${i}`,
      seq: i + 1,
      joinedAt: new Date(),
    }));
    await Participant.insertMany(people);
    const connections = Array.from({ length: 10_000 }, (_, i) => {
      const from = people[i % 1000] as (typeof people)[number];
      const to = people[(i % 1000) + 1 + Math.floor(i / 1000)] ?? (people[0] as (typeof people)[number]);
      return {
        eventId: eventObjectId,
        primaryParticipantId: from._id,
        secondaryParticipantId: to._id,
        secondaryUserId: to.userId,
        secondaryName: to.name,
        description: "Met",
        square: null,
        seq: null,
        at: new Date(),
      };
    });
    await ParticipantConnection.insertMany(connections, { ordered: false }).catch(() => undefined);
    await Event.updateOne({ _id: eventObjectId }, { $set: { lastSeq: 1000, participantCount: 1000 } });
    const stored = await ParticipantConnection.countDocuments({ eventId: eventObjectId });
    expect(stored).toBeGreaterThan(9_900);
    for (const table of ["participants", "connections"]) {
      const started = performance.now();
      const res = await exportTable(host, eventId, `format=csv&table=${table}`).expect(200);
      const ms = performance.now() - started;
      const lines = (res.body as string).split("\r\n").length - 2;
      expect(lines).toBe(table === "participants" ? 1000 : stored);
      expect(ms, `${table}: ${ms} ms`).toBeLessThan(env.REQUEST_BUDGET_MS);
      console.log(`export ${table}: ${lines} rows in ${Math.round(ms)} ms`);
    }
  }, 120_000);
});
