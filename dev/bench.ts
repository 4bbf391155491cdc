import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { CommandStartedEvent, CommandSucceededEvent } from "mongodb";
import { type Figures, printComparison, readBaseline } from "./bench-compare";
import type { SeededParticipant } from "./bench-seed";
import { startDevStack } from "./stack";

// `npm run bench`: what one request costs as an event grows. Starts the stack on a throwaway local
// database (dev/stack.ts), builds events of 10, 1,000 and 5,000 participants (seeded in bulk
// through the models, the way the joins would have stored them), then sends real HTTP requests on
// top and prints per size: median and p95 latency, and the database commands and bytes (BSON
// size of each command sent and each reply received, from the driver's command monitoring) per
// request. Then 300 guests join at once and the requests per second are printed. First of all, in
// an event of its own on the empty database, 300 participants scan 300 others' meeting codes at
// once, and a pusher-js client on the event's channel times each scan → `meeting-verified`
// (p50/p95). Then the host's export
// (dev/bench-export.ts): every table as CSV and JSON from an event of 100 participants / 1,000
// connections and one of 1,000 / 10,000, with the API process's peak memory. Writes the
// figures as JSON to dev/bench-results/<time>.json (or --out), and compares them with the committed
// baseline (dev/bench-results/baseline.json, or --baseline), printing which figures got worse
// (dev/bench-compare.ts says how much worse counts).
//
// FerretDB, the database here, scans a collection for any filter but _id, so its latencies say
// little about an indexed MongoDB; commands and bytes are what the data model controls.
//
//   npm run bench [-- --sizes 10,1000,5000 --samples 15 --concurrent 300 --out file.json --baseline file.json]
//   npm run bench -- --export-only [--export 100x1000,1000x10000]   (the host export alone)

const { values: args } = parseArgs({
  options: {
    sizes: { type: "string", default: "10,1000,5000" },
    samples: { type: "string", default: "15" },
    concurrent: { type: "string", default: "300" },
    out: { type: "string" },
    baseline: { type: "string", default: join("dev", "bench-results", "baseline.json") },
    export: { type: "string", default: "100x1000,1000x10000" },
    "export-only": { type: "boolean", default: false },
  },
});
const EXPORT_ONLY = args["export-only"];
const SIZES = EXPORT_ONLY ? [] : args.sizes.split(",").map(Number);
const SAMPLES = Number(args.samples);
const CONCURRENT = Number(args.concurrent);
const HANDSHAKE = new Set(["hello", "ismaster", "isMaster", "ping", "saslStart", "saslContinue", "endSessions"]);

/**
 * The k-th pair of seeded people, each unordered pair at most once while k < n(n-1)/2 (45 among 10
 * people), so that the marks (pairs 0…), connections (SAMPLES…) and scans (2 × SAMPLES…) of any
 * size each meet someone new: person k mod n with the person `round + 1` places on. A caller's
 * `round` differs between its marks, so it also picks a square of its own.
 */
function pairOf(
  seeded: readonly SeededParticipant[],
  k: number,
): { caller: SeededParticipant; other: SeededParticipant; round: number } {
  const n = seeded.length;
  const round = Math.floor(k / n);
  const caller = seeded[k % n] as SeededParticipant;
  const other = seeded[(k + round + 1) % n] as SeededParticipant;
  return { caller, other, round };
}

interface Sample {
  ms: number;
  commands: number;
  /** The commands' names, in the order they started. */
  names: string[];
  sent: number;
  received: number;
}

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "shatter-bench-"));
  const stack = await startDevStack({
    env: {
      ...process.env,
      MONGODB_DB: "shatter_bench",
      RATE_LIMIT_GUEST_JOIN_PER_IP: "1000000",
      PUSHER_TIMEOUT_MS: "3000",
      // 300 joins queue up on FerretDB, which runs one command at a time: measure them, not the timeout.
      DB_TIMEOUT_MS: "60000",
      // And the requests' own budget (8 s by default) with them: 300 at once queue for longer.
      REQUEST_BUDGET_MS: "120000",
    },
    port: 0,
    pusherPort: 0,
    dataDir,
  });
  try {
    const { default: mongoose } = await import("mongoose");
    const { signToken } = await import("../src/auth/tokens");
    const { seedParticipants, seedConnections, resetToActive, resetToPending } = await import("./bench-seed");
    const { benchExport, parseExportSizes } = await import("./bench-export");
    const { issueMeetingCode, meetingCodeKey } = await import("../src/connections/meeting-code");
    /** The code a seeded participant's phone would show now (GET …/meeting-code derives the same). */
    const codeOf = (eventId: string, owner: { seq: number }) =>
      issueMeetingCode(meetingCodeKey(), eventId, owner.seq, Date.now()).code;
    const agent = new Agent({ keepAlive: true, maxSockets: 512 });
    const origin = new URL(stack.apiUrl).origin;
    const send = (method: string, path: string, body?: object, token?: string) =>
      call(agent, origin, method, path, body, token);

    // The first request connects and ensures indexes; only then is the driver there to listen to.
    await send("GET", "/api/health");
    const client = mongoose.connection.getClient();
    let meter: Sample | null = null;
    client.on("commandStarted", (event: CommandStartedEvent) => {
      if (!meter || HANDSHAKE.has(event.commandName)) return;
      meter.commands++;
      meter.names.push(event.commandName);
      meter.sent += mongoose.mongo.BSON.calculateObjectSize(event.command);
    });
    client.on("commandSucceeded", (event: CommandSucceededEvent) => {
      if (!meter || HANDSHAKE.has(event.commandName)) return;
      meter.received += mongoose.mongo.BSON.calculateObjectSize(event.reply as Record<string, unknown>);
    });
    /** One request, alone, with its latency and what it cost the database. */
    const measured = async (method: string, path: string, expected: number, body?: object, token?: string) => {
      meter = { ms: 0, commands: 0, names: [], sent: 0, received: 0 };
      const started = performance.now();
      const reply = await send(method, path, body, token);
      const sample: Sample = { ...meter, ms: performance.now() - started };
      meter = null;
      if (reply.status !== expected) {
        throw new Error(`${method} ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
      }
      return { sample, reply };
    };

    const signup = async (name: string) => {
      const email = `${name.toLowerCase().replace(/\W+/g, "-")}-${Math.random().toString(36).slice(2)}@example.com`;
      const res = await send("POST", "/api/auth/signup", { name, email, password: "correct horse battery" });
      return { userId: String(res.body.userId), token: String(res.body.token) };
    };

    // The scans at once go first, on the empty database: FerretDB reads every document of a
    // collection for any filter but _id, so after the events below (6,000 participants) 300 scans
    // of 11 commands each queue past the 120 s budget, which measures FerretDB, not the scans.
    const scanToMessage = EXPORT_ONLY
      ? undefined
      : await concurrentScans(send, stack.client, signup, seedParticipants, codeOf, signToken);
    const results: Record<string, Record<string, Figures> & { concurrentGuestJoinsPerSecond?: number }> = {};
    for (const size of SIZES) {
      const started = performance.now();
      const host = await signup("Bench Host");
      const created = await send("POST", "/api/events/createEvent", { name: `Bench ${size}` }, host.token);
      const event = created.body.event as { _id: string; joinCode: string };
      const seeded = await seedParticipants(event._id, size);
      console.log(`event of ${size}: seeded in ${Math.round(performance.now() - started)} ms`);
      const samples: Record<string, Sample[]> = {};
      const run = async (label: string, action: (i: number) => Promise<Sample>) => {
        samples[label] = [];
        for (let i = 0; i < SAMPLES; i++) samples[label].push(await action(i));
      };

      await run("guest join", async (i) => {
        const { sample } = await measured("POST", `/api/events/${event._id}/join/guest`, 201, { name: `Guest ${i}` });
        return sample;
      });
      // The first join of an event that nobody has joined yet (a new event per sample).
      await run("guest join, first into a new event", async (i) => {
        const fresh = await send("POST", "/api/events/createEvent", { name: `Bench ${size} fresh ${i}` }, host.token);
        const freshId = String((fresh.body.event as { _id: string })._id);
        return (await measured("POST", `/api/events/${freshId}/join/guest`, 201, { name: `First ${i}` })).sample;
      });
      const users: { userId: string; token: string }[] = [];
      for (let i = 0; i < SAMPLES; i++) users.push(await signup(`User ${i}`));
      await run("user join", async (i) => {
        const user = users[i] as { token: string };
        const { sample } = await measured(
          "POST",
          `/api/events/${event._id}/join/user`,
          201,
          { name: `Member ${i}` },
          user.token,
        );
        return sample;
      });
      await run("get by code", async () => (await measured("GET", `/api/events/event/${event.joinCode}`, 200)).sample);
      await run("get by id", async () => (await measured("GET", `/api/events/${event._id}`, 200)).sample);
      await run("leaderboard", async () => (await measured("GET", `/api/events/${event._id}/leaderboard`, 200)).sample);
      // A full page at every size: by then the log holds the seeded joins and this size's 2 × SAMPLES.
      await run("activity page", async () => {
        const after = Math.max(0, Math.floor(size / 2));
        return (await measured("GET", `/api/events/${event._id}/activity?after=${after}&limit=20`, 200)).sample;
      });
      await run("start", async (i) => {
        if (i > 0) await resetToPending(event._id);
        return (await measured("POST", `/api/events/${event._id}/start`, 200, undefined, host.token)).sample;
      });
      // Active now: each end is measured, then the event is put back to active for the next.
      await run("end", async () => {
        const { sample } = await measured("POST", `/api/events/${event._id}/end`, 200, undefined, host.token);
        await resetToActive(event._id);
        return sample;
      });
      // The event is active now: seeded participants mark a square, naming another seeded one.
      await run("bingo mark", async (i) => {
        const { caller, other, round } = pairOf(seeded, i);
        const token = signToken({ userId: caller.userId, kind: "guest" });
        const body = { row: 0, col: round % 5, participantId: other.participantId };
        return (await measured("POST", `/api/events/${event._id}/bingo`, 200, body, token)).sample;
      });

      // Seeded participants record meeting another one (a meeting only, no square).
      await run("connection", async (i) => {
        const { caller, other } = pairOf(seeded, SAMPLES + i);
        const token = signToken({ userId: caller.userId, kind: "guest" });
        const body = {
          _eventId: event._id,
          primaryParticipantId: caller.participantId,
          secondaryParticipantId: other.participantId,
          description: "Met during Name Bingo",
        };
        return (await measured("POST", "/api/participantConnections", 201, body, token)).sample;
      });
      // Seeded participants scan another one's meeting code: a verified meeting, both directions.
      await run("meeting scan", async (i) => {
        const { caller, other: owner } = pairOf(seeded, 2 * SAMPLES + i);
        const token = signToken({ userId: caller.userId, kind: "guest" });
        const body = { code: codeOf(event._id, owner) };
        return (await measured("POST", `/api/events/${event._id}/meetings`, 201, body, token)).sample;
      });
      await run("leaderboard, after marks and meetings", async () => {
        return (await measured("GET", `/api/events/${event._id}/leaderboard`, 200)).sample;
      });

      // Many guests at once into the same event (pending again, so joins are open).
      await resetToPending(event._id);
      const burstStarted = performance.now();
      const burst = await Promise.all(
        Array.from({ length: CONCURRENT }, (_, i) =>
          send("POST", `/api/events/${event._id}/join/guest`, { name: `Crowd ${i}` }),
        ),
      );
      const burstMs = performance.now() - burstStarted;
      const refused = burst.filter((reply) => reply.status !== 201);
      if (refused.length > 0)
        throw new Error(`${refused.length} of the concurrent joins failed: ${JSON.stringify(refused[0])}`);

      const figures: Record<string, Figures> & { concurrentGuestJoinsPerSecond?: number } = {};
      for (const [label, list] of Object.entries(samples)) {
        figures[label] = summarize(list);
        printOddSamples(size, label, list);
      }
      figures.concurrentGuestJoinsPerSecond = Math.round((CONCURRENT / burstMs) * 10_000) / 10;
      results[String(size)] = figures;
      printTable(size, figures, burstMs);
    }

    printGrowth(results);
    if (scanToMessage) {
      console.log(
        `\n${CONCURRENT} participants scanning at once (first, on the empty database): scan → meeting-verified on a pusher-js client ` +
          `p50 ${scanToMessage.p50Ms.toFixed(0)} ms, p95 ${scanToMessage.p95Ms.toFixed(0)} ms (all done in ${scanToMessage.totalMs.toFixed(0)} ms)`,
      );
    }
    const hostExport = await benchExport(
      {
        origin,
        agent,
        signup,
        createEvent: async (name, token) => {
          const created = await send("POST", "/api/events/createEvent", { name }, token);
          return String((created.body.event as { _id: string })._id);
        },
        seedParticipants,
        seedConnections,
      },
      parseExportSizes(args.export),
    );

    const outFile = args.out ?? join("dev", "bench-results", `${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
    mkdirSync(join(outFile, ".."), { recursive: true });
    writeFileSync(
      outFile,
      `${JSON.stringify({ at: new Date().toISOString(), commit: headCommit(), database: stack.database.kind, samples: SAMPLES, concurrent: CONCURRENT, sizes: results, scanToMessage, hostExport }, null, 2)}\n`,
    );
    console.log(`\nwritten to ${outFile}`);
    const baseline = readBaseline(args.baseline);
    if (!baseline) console.log(`no baseline at ${args.baseline}: nothing compared`);
    else if (!EXPORT_ONLY) printComparison(results, baseline, args.baseline);
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The commit measured (with "+changes" when the tree differs from it), for the results file. */
function headCommit(): string | undefined {
  try {
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { encoding: "utf8" }).trim();
    return dirty ? `${commit}+changes` : commit;
  } catch {
    return undefined;
  }
}

function summarize(samples: Sample[]): Figures {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const mean = (pick: (s: Sample) => number) =>
    Math.round((samples.reduce((sum, s) => sum + pick(s), 0) / samples.length) * 10) / 10;
  return {
    requests: samples.length,
    p50Ms: Math.round(percentile(ms, 50) * 10) / 10,
    p95Ms: Math.round(percentile(ms, 95) * 10) / 10,
    commands: mean((s) => s.commands),
    bytesSent: Math.round(mean((s) => s.sent)),
    bytesReceived: Math.round(mean((s) => s.received)),
  };
}

/** The samples of a request that took another number of commands than most did, with their commands. */
function printOddSamples(size: number, label: string, samples: readonly Sample[]): void {
  const tally = new Map<number, number>();
  for (const { commands } of samples) tally.set(commands, (tally.get(commands) ?? 0) + 1);
  const usual = [...tally].sort((a, b) => b[1] - a[1])[0]?.[0];
  samples.forEach((sample, i) => {
    if (sample.commands === usual) return;
    console.log(
      `  ${size} · ${label} · sample ${i + 1}: ${sample.commands} commands, not ${usual}: ${sample.names.join(", ")}`,
    );
  });
}

function printTable(size: number, figures: Record<string, Figures | number | undefined>, burstMs: number): void {
  console.log(`\n${size} participants                 p50 ms   p95 ms  commands  bytes sent  bytes received`);
  for (const [label, f] of Object.entries(figures)) {
    if (typeof f !== "object") continue;
    console.log(
      `  ${label.padEnd(28)} ${f.p50Ms.toFixed(1).padStart(7)}  ${f.p95Ms.toFixed(1).padStart(7)}  ${f.commands.toFixed(1).padStart(8)}  ${String(f.bytesSent).padStart(10)}  ${String(f.bytesReceived).padStart(14)}`,
    );
  }
  console.log(
    `  ${CONCURRENT} concurrent guest joins: ${Math.round(burstMs)} ms, ${figures.concurrentGuestJoinsPerSecond} joins/s`,
  );
}

// The requests whose cost must not grow with the event (issue 9): largest size against smallest.
const FLAT = ["guest join", "user join", "bingo mark", "connection", "meeting scan", "start", "activity page"];

function printGrowth(results: Record<string, Record<string, Figures | number | undefined>>): void {
  const sizes = Object.keys(results).sort((a, b) => Number(a) - Number(b));
  const small = results[sizes[0] ?? ""];
  const large = results[sizes.at(-1) ?? ""];
  if (!small || !large || sizes.length < 2) return;
  console.log(`\ngrowth from ${sizes[0]} to ${sizes.at(-1)} participants (must stay within 1.5×):`);
  for (const label of FLAT) {
    const a = small[label];
    const b = large[label];
    if (typeof a !== "object" || typeof b !== "object") continue;
    const commands = b.commands / a.commands;
    const bytes = (b.bytesSent + b.bytesReceived) / (a.bytesSent + a.bytesReceived);
    const verdict = commands <= 1.5 && bytes <= 1.5 ? "flat" : "GROWS";
    console.log(`  ${label.padEnd(16)} commands ×${commands.toFixed(2)}  bytes ×${bytes.toFixed(2)}  ${verdict}`);
  }
}

type Send = (method: string, path: string, body?: object, token?: string) => Promise<Reply>;

/**
 * An event of 2 × CONCURRENT seeded participants, started; a pusher-js client on its channel; then
 * CONCURRENT of them each scan another's code at once. Each scan's time is from sending it to the
 * client receiving its `meeting-verified` (the scanner is `participantIds[0]`).
 */
async function concurrentScans(
  send: Send,
  client: { key: string; options: Record<string, unknown> },
  signup: (name: string) => Promise<{ token: string }>,
  seed: (eventId: string, count: number) => Promise<{ participantId: string; userId: string; seq: number }[]>,
  codeOf: (eventId: string, owner: { seq: number }) => string,
  signToken: (claims: { userId: string; kind: "guest" }) => string,
): Promise<{ p50Ms: number; p95Ms: number; totalMs: number }> {
  const { default: PusherJS } = await import("pusher-js");
  const host = await signup("Scan Host");
  const created = await send("POST", "/api/events/createEvent", { name: "Bench scans" }, host.token);
  const eventId = String((created.body.event as { _id: string })._id);
  const seeded = await seed(eventId, 2 * CONCURRENT);
  await send("POST", `/api/events/${eventId}/start`, undefined, host.token);
  const pusher = new PusherJS(client.key, { ...client.options, disableStats: true } as never);
  try {
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    let allArrived: () => void = () => {};
    const arrived = new Promise<void>((resolve) => {
      allArrived = resolve;
    });
    const channel = pusher.subscribe(`event-${eventId}`);
    channel.bind("meeting-verified", (data: { participantIds: [string, string] }) => {
      const started = sentAt.get(data.participantIds[0]);
      if (started !== undefined) latencies.push(performance.now() - started);
      if (latencies.length === CONCURRENT) allArrived();
    });
    await new Promise<void>((resolve) => channel.bind("pusher:subscription_succeeded", () => resolve()));
    const started = performance.now();
    const replies = await Promise.all(
      Array.from({ length: CONCURRENT }, (_, k) => {
        const scanner = seeded[k] as { participantId: string; userId: string };
        const owner = seeded[CONCURRENT + k] as { seq: number };
        sentAt.set(scanner.participantId, performance.now());
        const token = signToken({ userId: scanner.userId, kind: "guest" });
        return send("POST", `/api/events/${eventId}/meetings`, { code: codeOf(eventId, owner) }, token);
      }),
    );
    const refused = replies.filter((reply) => reply.status !== 201);
    if (refused.length > 0) throw new Error(`${refused.length} scans failed: ${JSON.stringify(refused[0])}`);
    await Promise.race([arrived, new Promise((resolve) => setTimeout(resolve, 60_000))]);
    if (latencies.length < CONCURRENT) throw new Error(`only ${latencies.length} meeting-verified arrived`);
    latencies.sort((a, b) => a - b);
    return { p50Ms: percentile(latencies, 50), p95Ms: percentile(latencies, 95), totalMs: performance.now() - started };
  } finally {
    pusher.disconnect();
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? 0;
}

function call(
  agent: Agent,
  origin: string,
  method: string,
  path: string,
  body?: object,
  token?: string,
): Promise<Reply> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = {};
  if (payload) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, origin), { agent, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(payload);
  });
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
