import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import asyncApiSpecs from "@asyncapi/specs";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import Pusher from "pusher";
import { describe, expect, it, vi } from "vitest";
import { buildAsyncApiDocument } from "../src/openapi/asyncapi";
import { publishMessages } from "../src/realtime/pusher";
import { parseStoredMessage, sequenced } from "../src/schemas/realtime";
import { api, newObjectId, publishedTo, pusherServer, realtime } from "./support/harness";
import { TEST_PUSHER_APP } from "./support/setup";

// The realtime contract: /api/asyncapi.json is a valid AsyncAPI 3.0 document naming exactly what
// the code publishes, its payload schemas hold real messages and refuse broken ones, and the
// suite-wide check (support/realtime-check.ts) fails a test that publishes outside it.

const ID = "0123456789abcdef01234567";
const OTHER = "76543210fedcba9876543210";

/** A message as it reaches a client, for every event name the document declares. */
const SAMPLES: Record<string, Record<string, unknown>> = {
  "participant-joined": { participantId: ID, name: "Ada", seq: 1 },
  "event-started": { eventId: ID, state: "active", startedAt: "2026-12-07T02:30:00.000Z", seq: 2 },
  event: { status: "In Progress", seq: 3 },
  "leaderboard-updated": {
    participantId: ID,
    name: "Ada",
    profilePhoto: null,
    connectionsCount: 1,
    linesCompleted: 1,
    completed: false,
    squaresFilled: 4,
    seq: 4,
  },
  "bingo-achieved": { participantId: ID, participantName: "Ada", achievementType: "line", seq: 5 },
  "participant-left": { participantId: OTHER, name: "Grace", reason: "left", seq: 6 },
  "event-ended": { eventId: ID, state: "ended", endedAt: "2026-12-07T03:30:00.000Z", seq: 7 },
  "event-deleted": { eventId: ID, seq: 8 },
  "meeting-verified": { participantIds: [ID, OTHER], seq: 9 },
};

/** Event names the code under src/ publishes, read from its source: every `{ name: "…", data: … }`. */
function namesPublishedBySource(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      // schemas/ declares the contract; what publishes is everything else.
      else if (path.endsWith(".ts") && !path.includes(`${join("src", "schemas")}`)) {
        for (const match of readFileSync(path, "utf8").matchAll(/\bname:\s*"([a-z-]+)",?\s*data:/g)) {
          names.add(match[1] ?? "");
        }
      }
    }
  };
  walk(join(__dirname, "..", "src"));
  return names;
}

function payloadValidator(document: ReturnType<typeof buildAsyncApiDocument>, name: string) {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const payload = document.components.messages[name]?.payload as object;
  return ajv.compile({ ...payload, components: { schemas: document.components.schemas } });
}

describe("GET /api/asyncapi.json", () => {
  it("GET /api/asyncapi.json – is a valid AsyncAPI 3.0 document (@asyncapi/specs, Ajv)", async () => {
    const res = await api().get("/api/asyncapi.json").expect(200);
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    // The spec carries its own copy of the draft-07 meta-schema, so Ajv must not add one.
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, meta: false, validateSchema: false });
    const validate = ajv.compile(asyncApiSpecs.schemas["3.0.0"]);
    expect(validate(res.body), JSON.stringify(validate.errors, null, 2)).toBe(true);
    // Not vacuous: AsyncAPI 2's `publish`, or a payload schema that is no schema, is refused.
    const operation = { ...res.body.operations.receiveEventMessages, action: "publish" };
    expect(validate({ ...res.body, operations: { receiveEventMessages: operation } })).toBe(false);
    const schemas = { ...res.body.components.schemas, EventDeletedPayload: { type: "no-such-type" } };
    expect(validate({ ...res.body, components: { ...res.body.components, schemas } })).toBe(false);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(buildAsyncApiDocument())));
    expect(res.body.channels.event.address).toBe("event-{eventId}");
    expect(Object.keys(res.body.channels.event.parameters)).toEqual(["eventId"]);
    expect(res.body.operations.receiveEventMessages.action).toBe("receive");
  });

  it("GET /api/asyncapi.json – names exactly the event names the code publishes, each with a payload carrying seq", async () => {
    const { body: document } = await api().get("/api/asyncapi.json").expect(200);
    const declared = Object.keys(document.channels.event.messages).sort();
    expect(declared).toEqual([...namesPublishedBySource()].sort());
    expect(Object.keys(document.components.messages).sort()).toEqual(declared);
    expect(document.operations.receiveEventMessages.messages).toHaveLength(declared.length);
    for (const name of declared) {
      const id = String(document.components.messages[name].payload.$ref).split("/").pop();
      expect(document.components.schemas[id ?? ""].required, name).toContain("seq");
    }
    expect(Object.keys(SAMPLES).sort()).toEqual(declared);
  });

  it("GET /api/asyncapi.json – each payload schema accepts a real message and refuses it with any field missing or one added", async () => {
    const { body: document } = await api().get("/api/asyncapi.json").expect(200);
    for (const [name, sample] of Object.entries(SAMPLES)) {
      const validate = payloadValidator(document, name);
      expect(validate(sample), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
      for (const field of Object.keys(sample)) {
        const { [field]: _left, ...missing } = sample;
        expect(validate(missing), `${name} without ${field}`).toBe(false);
      }
      expect(validate({ ...sample, extra: 1 }), `${name} with an extra field`).toBe(false);
      // The zod schema the transport publishes through agrees with the document.
      const { seq, ...data } = sample;
      expect(parseStoredMessage(name, data, seq as number).problem, name).toBeUndefined();
      const { [Object.keys(data)[0] ?? ""]: _gone, ...broken } = data;
      expect(parseStoredMessage(name, broken, seq as number).problem, `${name} broken`).toBeDefined();
    }
  });
});

describe("the realtime contract check", () => {
  const sdk = () =>
    new Pusher({
      ...TEST_PUSHER_APP,
      host: pusherServer().host,
      port: String(pusherServer().port),
      useTLS: false,
    });

  it("a published message outside its schema, under an unknown name or on another channel is a violation", async () => {
    const eventId = newObjectId();
    await sdk().trigger(`event-${eventId}`, "participant-joined", { participantId: ID });
    await sdk().trigger(`event-${eventId}`, "score-updated", { score: 1, seq: 1 });
    await sdk().trigger(`lobby-${eventId}`, "event-deleted", { eventId, seq: 1 });
    await sdk().trigger(`event-${eventId}`, "event-deleted", { eventId, seq: 2 });
    realtime.checkNew();
    // Taken out here so that this test's own afterEach passes; they would fail it otherwise.
    const violations = realtime.violations.splice(0);
    expect(violations).toHaveLength(3);
    expect(violations[0]).toMatch(
      /^participant-joined on event-\w+: the payload does not match its schema: .*name.*seq/,
    );
    expect(violations[1]).toMatch(
      /^score-updated on event-\w+: event name score-updated is not a message of the channel/,
    );
    expect(violations[2]).toMatch(/^event-deleted on lobby-\w+: channel lobby-\w+ is not event-\{eventId\}/);
  });

  it("publishMessages sends what passed its schema and logs, without sending, what did not", async () => {
    const eventId = newObjectId();
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const outcome = await publishMessages(eventId, [
        sequenced({ name: "event", data: { status: "In Progress" } }, 1),
        parseStoredMessage("participant-joined", { participantId: ID }, 2),
        parseStoredMessage("event", { status: "Completed" }, 3),
      ]);
      expect(outcome).toEqual({ accepted: 3, inDoubt: false });
      const lines = logged.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
      expect(lines).toEqual([
        expect.objectContaining({
          level: "error",
          msg: "realtime message fails its schema; not sent",
          channel: `event-${eventId}`,
          event: "participant-joined",
          seq: 2,
          problem: expect.stringContaining("name"),
        }),
      ]);
    } finally {
      logged.mockRestore();
    }
    expect(publishedTo(eventId)).toEqual([
      { name: "event", data: { status: "In Progress", seq: 1 } },
      { name: "event", data: { status: "Completed", seq: 3 } },
    ]);
  });
});
