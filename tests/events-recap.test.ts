import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { foldLine } from "../src/privacy/vcard";
import { createBingoEvent, joinAsPlayer, markSquare, type Player } from "./support/factories";
import { api, bearer, createUser, expectError, newObjectId } from "./support/harness";

function recap(token: string, eventId: string, query = "") {
  return api()
    .get(`/api/events/${eventId}/recap${query}`)
    .set(...bearer(token))
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

const LONG_BIO = "Builds bridges; loves commas, backslashes \\ and ünïcödé — ".repeat(4).trim();

async function recapEvent() {
  const { host, eventId, players } = await createBingoEvent(1);
  const [gus] = players as [Player];
  const zoe = await joinAsPlayer(eventId, "Zoë Ünal", {
    bio: LONG_BIO,
    title: "CTO",
    organization: "Acme, Inc.",
    socialLinks: { linkedin: "https://linkedin.com/in/zoe" },
  });
  await markSquare(eventId, gus, 0, 0, zoe).expect(200);
  return { host, eventId, gus, zoe };
}

describe("GET /api/events/:eventId/recap", () => {
  it("GET /api/events/:eventId/recap – the caller's standing and the people they met with their profile", async () => {
    const { eventId, gus, zoe } = await recapEvent();
    const res = await recap(gus.token, eventId).expect(200);
    const body = JSON.parse(res.body as string);
    expect(body).toEqual({
      success: true,
      event: { _id: eventId, name: "Founders Mixer", startedAt: expect.any(String), endedAt: null },
      me: { name: gus.name, rank: 1, linesCompleted: 0, completed: false, squaresFilled: 1, connectionsCount: 1 },
      met: [
        {
          participantId: zoe.participantId,
          name: "Zoë Ünal",
          at: expect.any(String),
          profile: expect.objectContaining({
            _id: zoe.userId,
            organization: "Acme, Inc.",
            title: "CTO",
            bio: LONG_BIO,
          }),
        },
      ],
    });
  });

  it("GET /api/events/:eventId/recap?format=vcf – vCard 4.0, folded at 75 octets, parses back with ical.js to the shared fields", async () => {
    const { eventId, gus } = await recapEvent();
    const res = await recap(gus.token, eventId, "?format=vcf").expect(200);
    expect(res.headers["content-type"]).toBe("text/vcard; charset=utf-8");
    const text = res.body as string;
    for (const line of text.split("\r\n")) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(text.endsWith("END:VCARD\r\n")).toBe(true);
    expect(text.replace(/\r\n/g, "")).not.toContain("\n");
    const parsed = ICAL.parse(text) as unknown[];
    const cards = (Array.isArray(parsed[0]) ? parsed : [parsed]).map((card) => new ICAL.Component(card as never));
    expect(cards).toHaveLength(1);
    const card = cards[0] as ICAL.Component;
    expect(card.getFirstPropertyValue("version")).toBe("4.0");
    expect(card.getFirstPropertyValue("fn")).toBe("Zoë Ünal");
    expect(card.getFirstPropertyValue("org")).toBe("Acme, Inc.");
    expect(card.getFirstPropertyValue("title")).toBe("CTO");
    expect(card.getFirstPropertyValue("note")).toBe(LONG_BIO);
    expect(card.getFirstPropertyValue("url")).toBe("https://linkedin.com/in/zoe");
    expect(text).not.toContain("EMAIL");
  });

  it("foldLine – folds between whole UTF-8 characters, each line at most 75 octets", () => {
    const folded = foldLine(`NOTE:${"é".repeat(100)}`);
    const lines = folded.split("\r\n").filter(Boolean);
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(lines.map((line, i) => (i === 0 ? line : line.slice(1))).join("")).toBe(`NOTE:${"é".repeat(100)}`);
  });

  it("GET /api/events/:eventId/recap – someone who is not a participant is a 403, an unknown event a 404", async () => {
    const { eventId } = await recapEvent();
    const stranger = await createUser();
    expectError(
      await api()
        .get(`/api/events/${eventId}/recap`)
        .set(...bearer(stranger.token)),
      403,
      "forbidden",
    );
    expectError(
      await api()
        .get(`/api/events/${newObjectId()}/recap`)
        .set(...bearer(stranger.token)),
      404,
      "not_found",
    );
  });
});
