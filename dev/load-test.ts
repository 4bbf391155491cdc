import { randomBytes } from "node:crypto";
import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { startDatabase } from "./database";
import { startPusherServer } from "./pusher-server";

// Load test: N guests join one event at the same moment over HTTP through the local server, then
// what must hold is checked and printed: exactly min(N, maxParticipant) participants, unique names
// (half the guests ask for "Alex"), a consistent participantCount, and one participant-joined per
// participant with distinct, gap-free seq numbers. Exits 1 when a check fails.
//
//   npx tsx dev/load-test.ts [--guests 500] [--max 300]
//
// Uses MONGODB_URI when set (in a throwaway database), otherwise starts one (dev/database.ts).

const { values: args } = parseArgs({
  options: {
    guests: { type: "string", default: "500" },
    max: { type: "string", default: "300" },
    // Every how-manieth guest asks for "Alex" (2: half of them; 0: nobody).
    "alex-every": { type: "string", default: "2" },
  },
});
const GUESTS = Number(args.guests);
const MAX_PARTICIPANT = Number(args.max);
const ALEX_EVERY = Number(args["alex-every"]);
const PUSHER_APP = { appId: "shatter-load", key: "shatter-load-key", secret: "shatter-load-secret" };

interface Reply {
  status: number;
  body: Record<string, unknown>;
  ms: number;
}

async function main(): Promise<boolean> {
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    const database = await startDatabase({ log: (line) => console.log(line) });
    cleanups.push(() => database.stop());
    const pusher = await startPusherServer({ apps: [PUSHER_APP] });
    cleanups.push(() => pusher.close());
    Object.assign(process.env, {
      MONGODB_URI: database.uri,
      MONGODB_DB: `shatter_load_${randomBytes(4).toString("hex")}`,
      JWT_SECRET: randomBytes(32).toString("hex"),
      PUSHER_APP_ID: PUSHER_APP.appId,
      PUSHER_KEY: PUSHER_APP.key,
      PUSHER_SECRET: PUSHER_APP.secret,
      PUSHER_HOST: pusher.host,
      PUSHER_PORT: String(pusher.port),
      PUSHER_USE_TLS: "false",
      // The load plays a proxy on loopback that names each guest's address in X-Real-IP.
      TRUSTED_PROXY_IPS: "127.0.0.1,::1",
    });

    // Only now, with the environment set, may anything import src/.
    const { createApiListener } = await import("./local-server");
    const { default: mongoose } = await import("mongoose");
    const { ActivityEntry } = await import("../src/models/activity-entry");
    const { nameKey } = await import("../src/schemas/common");
    const { RETRY_AFTER_MS } = await import("../src/realtime/resend");
    cleanups.push(async () => {
      if (mongoose.connection.readyState === 1) await mongoose.connection.db?.dropDatabase();
      await mongoose.disconnect();
    });

    const server = createServer(createApiListener());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    });
    const agent = new Agent({ keepAlive: true });
    cleanups.push(async () => agent.destroy());
    const { port } = server.address() as AddressInfo;
    const send = (method: string, path: string, body?: object, headers: Record<string, string> = {}) =>
      call(agent, port, method, path, body, headers);

    console.log(`database: ${database.kind} ${database.uri}`);
    console.log(`api: http://127.0.0.1:${port}  pusher: ${pusher.host}:${pusher.port} (local)`);

    const signup = await send("POST", "/api/auth/signup", {
      name: "Load Host",
      email: `load-${randomBytes(4).toString("hex")}@example.com`,
      password: "correct horse battery",
    });
    const created = await send(
      "POST",
      "/api/events/createEvent",
      { name: "Load Test Mixer", maxParticipant: MAX_PARTICIPANT },
      { Authorization: `Bearer ${signup.body.token}` },
    );
    const eventId = (created.body.event as { _id: string } | undefined)?._id;
    if (!eventId) throw new Error(`could not create the event: ${created.status} ${JSON.stringify(created.body)}`);

    // A distinct client IP each, so the per-IP guest-join limit (a real NAT'd venue) stays out of it.
    console.log(`\n${GUESTS} guests join one event (maxParticipant ${MAX_PARTICIPANT}) at once;`);
    console.log(
      `${ALEX_EVERY > 0 ? `1 in ${ALEX_EVERY}` : "none"} named "Alex"; each sends its own X-Real-IP, so the per-IP rate limit does not apply.`,
    );
    const commands = new Map<string, number>();
    mongoose.connection.getClient().on("commandStarted", (started: { commandName: string }) => {
      commands.set(started.commandName, (commands.get(started.commandName) ?? 0) + 1);
    });
    const wallStarted = performance.now();
    const replies = await Promise.all(
      Array.from({ length: GUESTS }, (_, i) =>
        send(
          "POST",
          `/api/events/${eventId}/join/guest`,
          { name: ALEX_EVERY > 0 && i % ALEX_EVERY === 0 ? "Alex" : `Guest ${i}` },
          { "X-Real-IP": `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
        ),
      ),
    );
    const wallMs = performance.now() - wallStarted;

    const expected = Math.min(GUESTS, MAX_PARTICIPANT);
    const joined = replies.filter((reply) => reply.status === 201);
    const full = replies.filter((reply) => reply.status === 400 && reply.body.code === "event_full");
    const others = replies.filter((reply) => !joined.includes(reply) && !full.includes(reply));
    const otherCodes = countBy(others.map((reply) => `${reply.status} ${String(reply.body.code ?? "")}`));

    const lobby = await send("GET", `/api/events/${eventId}`);
    const event = lobby.body.event as { participantCount: number; participantIds: { _id: string; name: string }[] };
    const participants = event.participantIds;
    const names = participants.map((participant) => participant.name);
    const keys = new Set(names.map(nameKey));
    const joinedIds = new Set(joined.map((reply) => (reply.body.participant as { _id: string })._id));

    // Recorded: the activity log, one entry per participant, seq 1..n.
    const activity = await ActivityEntry.find({ eventId }).sort({ seq: 1 }).lean();
    const recordedIds = activity.map((entry) => String(entry.data.participantId));
    const seqOf = new Map(activity.map((entry) => [String(entry.data.participantId), entry.seq]));
    const unsent = activity.filter((entry) => !entry.sent).length;
    // Published: what reached Pusher. Delivery is at least once: a write also retries entries
    // unsent for RETRY_AFTER_MS, which on Vercel outlives any function (maxDuration 10 s), but not
    // here, where the local server lets a queued join run for longer.
    const announced = pusher.published
      .filter((message) => message.channel === `event-${eventId}` && message.name === "participant-joined")
      .map((message) => JSON.parse(message.data) as { participantId: string; seq: number });
    const timesAnnounced = countBy(announced.map((message) => message.participantId));
    const latencyOf = new Map(
      joined.map((reply) => [(reply.body.participant as { _id: string })._id, reply.ms] as const),
    );
    const repeated = [...timesAnnounced].filter(([, times]) => times > 1).map(([id]) => id);
    const alexNames = names.filter((name) => /^Alex( \(\d+\))?$/.test(name));
    const expectedAlexNames = range(alexNames.length).map((n) => (n === 1 ? "Alex" : `Alex (${n})`));

    const latencies = replies.map((reply) => reply.ms).sort((a, b) => a - b);
    console.log(`\nresponses: ${joined.length} × 201, ${full.length} × 400 event_full, ${others.length} other`);
    if (others.length > 0) console.log(`  other: ${JSON.stringify(Object.fromEntries(otherCodes))}`);
    console.log(
      `latency: p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms, max ${percentile(latencies, 100)} ms; wall ${Math.round(wallMs)} ms (${Math.round((GUESTS / wallMs) * 1000)} joins/s)`,
    );
    const commandTotal = [...commands.values()].reduce((sum, n) => sum + n, 0);
    console.log(
      `database commands during the joins: ${commandTotal} (${(commandTotal / GUESTS).toFixed(1)} per join) ${JSON.stringify(Object.fromEntries(commands))}`,
    );
    console.log(
      `participants: ${participants.length}, participantCount ${event.participantCount}, ${alexNames.length} named Alex…`,
    );
    console.log(`activity log: ${activity.length} participant-joined entries, ${unsent} unsent`);
    console.log(
      `published participant-joined: ${announced.length} for ${timesAnnounced.size} participants; ${repeated.length} published more than once (at-least-once retries of joins that ran longer than RETRY_AFTER_MS ${RETRY_AFTER_MS} ms)\n`,
    );

    const checks: [string, boolean][] = [
      [`exactly min(${GUESTS}, ${MAX_PARTICIPANT}) = ${expected} joins answered 201`, joined.length === expected],
      [
        `the other ${GUESTS - expected} answered 400 event_full`,
        full.length === GUESTS - expected && others.length === 0,
      ],
      [`GET event lists ${expected} participants`, participants.length === expected],
      ["participantCount equals the length of participantIds", event.participantCount === participants.length],
      [
        "every 201 participant is in the lobby, and only they",
        sameSet(joinedIds, new Set(participants.map((p) => p._id))),
      ],
      ["names are unique ignoring case", keys.size === names.length],
      [
        `the Alexes are "Alex", "Alex (2)" … "Alex (${alexNames.length})", no gaps`,
        sameSet(new Set(alexNames), new Set(expectedAlexNames)),
      ],
      [
        `participant-joined recorded once per participant, seq 1..${expected}`,
        recordedIds.length === expected && sameSet(new Set(recordedIds), joinedIds),
      ],
      ["activity log all marked sent", unsent === 0],
      [
        "every participant published, always with its recorded seq",
        sameSet(new Set(timesAnnounced.keys()), joinedIds) &&
          announced.every((message) => seqOf.get(message.participantId) === message.seq),
      ],
      [
        "published more than once only when its join outlasted RETRY_AFTER_MS",
        repeated.every((id) => (latencyOf.get(id) ?? 0) >= RETRY_AFTER_MS),
      ],
    ];
    for (const [label, ok] of checks) console.log(`${ok ? "PASS" : "FAIL"}  ${label}`);
    const passed = checks.every(([, ok]) => ok);
    console.log(passed ? "\nload held" : "\nload test FAILED");
    return passed;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error(error));
  }
}

function call(
  agent: Agent,
  port: number,
  method: string,
  path: string,
  body: object | undefined,
  headers: Record<string, string>,
): Promise<Reply> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: "127.0.0.1",
        port,
        method,
        path,
        headers: payload ? { "Content-Type": "application/json", ...headers } : headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString();
          let parsed: Record<string, unknown>;
          try {
            parsed = JSON.parse(text) as Record<string, unknown>;
          } catch {
            parsed = { raw: text };
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, ms: performance.now() - started });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

function countBy(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, index)] ?? 0);
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i + 1);
}

function sameSet<T>(a: Set<T>, b: Set<T>): boolean {
  return a.size === b.size && [...a].every((value) => b.has(value));
}

// A load test that hangs is a failed one.
setTimeout(() => {
  console.error("load test did not finish within 30 minutes");
  process.exit(1);
}, 1_800_000).unref();

main().then(
  (passed) => process.exit(passed ? 0 : 1),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
