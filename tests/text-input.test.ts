import mongoose from "mongoose";
import { beforeAll, describe, expect, it } from "vitest";
import { api, bearer, createEvent, createHost, expectError, type TestEvent, type TestUser } from "./support/harness";

// What is acknowledged is what is stored: text the database would change (lone surrogates,
// invalid UTF-8 turned into U+FFFD) or that renders as something else (control characters,
// bidirectional overrides, names that draw nothing) is refused, and the rest is stored NFC.

let host: TestUser;
let event: TestEvent;

beforeAll(async () => {
  host = await createHost();
  event = await createEvent(host);
});

function collection(name: string) {
  const db = mongoose.connection.db;
  if (!db) throw new Error("no database connection");
  return db.collection(name);
}

function countEventsOf(userId: string): Promise<number> {
  return collection("events").countDocuments({ createdBy: new mongoose.Types.ObjectId(userId) });
}

/** Sends `body` byte for byte as application/json (superagent would JSON-encode a Buffer). */
function postRaw(path: string, body: Buffer | string, token?: string) {
  const req = api()
    .post(path)
    .set("Content-Type", "application/json")
    .serialize((data: unknown) => data as string);
  if (token) req.set(...bearer(token));
  return req.send(Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8"));
}

function expectInvalid(res: { status: number; body: { issues?: { path: string }[] } }, path: string): void {
  expectError(res, 400, "invalid_input");
  expect(res.body.issues?.map((issue) => issue.path)).toContain(path);
}

// Names that Unicode counts as letters or symbols but that render as nothing.
const BLANK_NAMES: [string, string][] = [
  ["U+3164 Hangul filler", "\u3164"],
  ["U+2800 Braille blank", "\u2800"],
  ["U+115F U+1160 Hangul choseong and jungseong fillers", "\u115F\u1160"],
  ["U+FFA0 halfwidth Hangul filler", "\uFFA0"],
  ["fillers around spaces", " \u3164 \u2800 "],
];

describe("invalid UTF-8 and lone surrogates", () => {
  it('POST /api/events/createEvent – {"name":"x\\ud800y"} is a 400 invalid_input on name, and nothing is stored', async () => {
    const before = await countEventsOf(host.userId);
    const res = await postRaw("/api/events/createEvent", '{"name":"x\\ud800y"}', host.token);
    expectInvalid(res, "name");
    expect(await countEventsOf(host.userId)).toBe(before);
  });

  it("POST /api/events/createEvent – a lone low surrogate in the description is a 400 invalid_input on description", async () => {
    const res = await postRaw("/api/events/createEvent", '{"name":"Mixer","description":"a\\udc00"}', host.token);
    expectInvalid(res, "description");
  });

  it("POST /api/events/:eventId/join/guest – a name in invalid UTF-8 bytes is a 400 invalid_input, and no guest is stored", async () => {
    const marker = `Bad${new mongoose.Types.ObjectId().toHexString().slice(-6)}`;
    const body = Buffer.concat([Buffer.from(`{"name":"${marker}`), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
    const res = await postRaw(`/api/events/${event._id}/join/guest`, body);
    expectInvalid(res, "name");
    expect(await collection("users").countDocuments({ name: { $regex: `^${marker}` } })).toBe(0);
  });

  it("POST /api/auth/signup – invalid UTF-8 in any field, even one the route ignores, is a 400 invalid_input", async () => {
    const email = `utf8-${new mongoose.Types.ObjectId().toHexString()}@example.com`;
    const body = Buffer.concat([
      Buffer.from(`{"name":"Sam","email":"${email}","password":"correct horse battery","note":"`),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from('"}'),
    ]);
    const res = await postRaw("/api/auth/signup", body);
    expectInvalid(res, "note");
    expect(await collection("users").countDocuments({ emailKey: email })).toBe(0);
  });

  it("POST /api/auth/signup – a lone surrogate in a key the route ignores is a 400 invalid_input", async () => {
    const email = `key-${new mongoose.Types.ObjectId().toHexString()}@example.com`;
    const body = `{"name":"Sam","email":"${email}","password":"correct horse battery","\\ud83d":1}`;
    expectError(await postRaw("/api/auth/signup", body), 400, "invalid_input");
    expect(await collection("users").countDocuments({ emailKey: email })).toBe(0);
  });
});

describe("deeply nested bodies", () => {
  it("POST /api/auth/signup – 4,000 nested arrays (8 KB) are a 400 invalid_input, never a 500", async () => {
    const res = await postRaw("/api/auth/signup", `${"[".repeat(4000)}${"]".repeat(4000)}`);
    expectError(res, 400, "invalid_input");
    expect(res.body.issues).toEqual([
      { path: Array(32).fill(0).join("."), message: "is nested more than 32 levels deep" },
    ]);
  });

  it("POST /api/auth/signup – 1,500 nested objects in a field the route ignores are a 400 invalid_input", async () => {
    const body = `{"extra":${'{"a":'.repeat(1500)}1${"}".repeat(1500)}}`;
    const res = await postRaw("/api/auth/signup", body);
    expectError(res, 400, "invalid_input");
  });

  it("POST /api/events/createEvent – 33 levels of nesting is a 400 invalid_input on the 33rd level's path; 32 parse", async () => {
    const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
    const tooDeep = await postRaw("/api/events/createEvent", `{"name":"Deep","extra":${nested(32)}}`, host.token);
    expectInvalid(tooDeep, ["extra", ...Array(31).fill(0)].join("."));
    const deepEnough = await postRaw("/api/events/createEvent", `{"name":"Deep","extra":${nested(31)}}`, host.token);
    expect(deepEnough.status).toBe(201);
  });
});

describe("NFC normalization", () => {
  it("POST /api/events/createEvent – name and description are stored and answered in NFC", async () => {
    const res = await api()
      .post("/api/events/createEvent")
      .set(...bearer(host.token))
      .send({ name: "Cafe\u0301 Mixer", description: "Re\u0301sume\u0301 swap\r\nthen drinks" });
    expect(res.status).toBe(201);
    expect(res.body.event.name).toBe("Caf\u00e9 Mixer");
    expect(res.body.event.description).toBe("R\u00e9sum\u00e9 swap\nthen drinks");
    const stored = await collection("events").findOne({ _id: new mongoose.Types.ObjectId(res.body.event._id) });
    expect(stored?.name).toBe("Caf\u00e9 Mixer");
    expect(stored?.description).toBe("R\u00e9sum\u00e9 swap\nthen drinks");
  });

  it("POST /api/events/:eventId/join/guest – organization and title are stored in NFC", async () => {
    const res = await api().post(`/api/events/${event._id}/join/guest`).send({
      name: "Noe\u0308l",
      organization: "Socie\u0301te\u0301 Ge\u0301ne\u0301rale",
      title: "Directrice Ge\u0301ne\u0301rale",
    });
    expect(res.status).toBe(201);
    expect(res.body.participant.name).toBe("No\u00ebl");
    const guest = await collection("users").findOne({ _id: new mongoose.Types.ObjectId(res.body.userId) });
    expect(guest?.name).toBe("No\u00ebl");
    expect(guest?.organization).toBe("Soci\u00e9t\u00e9 G\u00e9n\u00e9rale");
    expect(guest?.title).toBe("Directrice G\u00e9n\u00e9rale");
  });

  it("PUT /api/events/:eventId/bingo – questions are stored in NFC", async () => {
    const pending = await createEvent(host);
    const grid = Array.from({ length: 3 }, (_, r) =>
      Array.from({ length: 3 }, (_, c) => ({ question: `a visite\u0301 ${r}-${c}` })),
    );
    const res = await api()
      .put(`/api/events/${pending._id}/bingo`)
      .set(...bearer(host.token))
      .send({ grid });
    expect(res.status).toBe(200);
    expect(res.body.bingo.grid[0][0].question).toBe("a visit\u00e9 0-0");
  });
});

describe("control characters and bidirectional overrides", () => {
  const refusedEventBodies: [string, Record<string, unknown>, string][] = [
    ["a bell in the name", { name: "Mixer\u0007" }, "name"],
    ["a right-to-left override in the name", { name: "\u202Eexe.Mixer" }, "name"],
    ["an escape in the description", { name: "Mixer", description: "ok\u001B[31m" }, "description"],
    ["a NUL in the description", { name: "Mixer", description: "ok\u0000" }, "description"],
    ["a left-to-right isolate in the description", { name: "Mixer", description: "\u2066x\u2069" }, "description"],
    ["a C1 control in the description", { name: "Mixer", description: "a\u0085b" }, "description"],
  ];

  it.each(refusedEventBodies)(
    "POST /api/events/createEvent – %s is a 400 invalid_input",
    async (_label, body, path) => {
      const before = await countEventsOf(host.userId);
      const res = await api()
        .post("/api/events/createEvent")
        .set(...bearer(host.token))
        .send(body);
      expectInvalid(res, path);
      expect(await countEventsOf(host.userId)).toBe(before);
    },
  );

  it("POST /api/events/createEvent – newlines and tabs in a description are kept", async () => {
    const res = await api()
      .post("/api/events/createEvent")
      .set(...bearer(host.token))
      .send({ name: "Mixer", description: "Line one\n\tLine two" });
    expect(res.status).toBe(201);
    expect(res.body.event.description).toBe("Line one\n\tLine two");
  });

  const refusedGuestBodies: [string, Record<string, unknown>, string][] = [
    ["a right-to-left override in the organization", { name: "Ola", organization: "\u202Eevil" }, "organization"],
    ["a newline in the title", { name: "Ola", title: "CEO\nand more" }, "title"],
    [
      "a control character in a social link",
      { name: "Ola", socialLinks: { linkedin: "x\u0001" } },
      "socialLinks.linkedin",
    ],
  ];

  it.each(refusedGuestBodies)(
    "POST /api/events/:eventId/join/guest – %s is a 400 invalid_input",
    async (_label, body, path) => {
      expectInvalid(await api().post(`/api/events/${event._id}/join/guest`).send(body), path);
    },
  );
});

describe("names that render blank", () => {
  it.each(BLANK_NAMES)(
    "POST /api/events/:eventId/join/guest – %s as a name is a 400 invalid_input",
    async (_label, name) => {
      expectInvalid(await api().post(`/api/events/${event._id}/join/guest`).send({ name }), "name");
    },
  );

  it.each(BLANK_NAMES)("POST /api/auth/signup – %s as a name is a 400 invalid_input", async (_label, name) => {
    const email = `blank-${new mongoose.Types.ObjectId().toHexString()}@example.com`;
    const res = await api().post("/api/auth/signup").send({ name, email, password: "correct horse battery" });
    expectInvalid(res, "name");
  });

  it.each(BLANK_NAMES)(
    "POST /api/events/createEvent – %s as the event name is a 400 invalid_input",
    async (_label, name) => {
      const res = await api()
        .post("/api/events/createEvent")
        .set(...bearer(host.token))
        .send({ name });
      expectInvalid(res, "name");
    },
  );

  it("POST /api/events/:eventId/join/guest – a name with a filler beside a visible letter is accepted", async () => {
    const res = await api().post(`/api/events/${event._id}/join/guest`).send({ name: "\u3164Mina" });
    expect(res.status).toBe(201);
    expect(res.body.participant.name).toBe("\u3164Mina");
  });
});
