import { type Agent, request } from "node:http";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { SeededParticipant } from "./bench-seed";

// The host's export (issue 20 part 6) for dev/bench.ts: an event of P participants and C
// connections seeded directly in the database, then each table as CSV and JSON, requested by the
// host over real HTTP. Per request: wall ms, bytes, rows, and the memory of the API process
// (the stack runs the API in this process) sampled every ~10 ms while the response streams,
// peak minus before, and the live heap (after a full collection every ~100 ms; this slows the
// request a little) to tell what the request holds from garbage not yet collected. The client side counts bytes and rows as they arrive and keeps nothing, so
// what grows is the server's. Run at two sizes, it shows whether memory grows with the event.

export interface ExportSize {
  participants: number;
  connections: number;
}

export interface ExportFigure {
  participants: number;
  connections: number;
  table: string;
  format: string;
  status: number;
  ms: number;
  bytes: number;
  rows: number;
  heapBeforeMB: number;
  heapPeakDeltaMB: number;
  /** Heap after a full collection every ~100 ms during the request, peak minus before: what the request holds, garbage excluded. */
  liveHeapPeakDeltaMB: number;
  rssBeforeMB: number;
  rssPeakDeltaMB: number;
  memorySamples: number;
}

export interface ExportBenchDeps {
  origin: string;
  agent: Agent;
  signup: (name: string) => Promise<{ token: string }>;
  createEvent: (name: string, token: string) => Promise<string>;
  seedParticipants: (eventId: string, count: number) => Promise<SeededParticipant[]>;
  seedConnections: (eventId: string, seeded: SeededParticipant[], count: number) => Promise<number>;
}

const TABLES = ["participants", "connections", "leaderboard"] as const;
const FORMATS = ["csv", "json"] as const;
const MB = 1024 * 1024;

/** "100x1000,1000x10000" → sizes (participants × connections). */
export function parseExportSizes(spec: string): ExportSize[] {
  if (spec.trim() === "") return [];
  return spec.split(",").map((pair) => {
    const [participants, connections] = pair.split("x").map(Number);
    if (!Number.isInteger(participants) || !Number.isInteger(connections))
      throw new Error(`--export wants PARTICIPANTSxCONNECTIONS[,…], got "${pair}"`);
    return { participants: participants as number, connections: connections as number };
  });
}

/** A full collection before each request, so "before" is the live heap, not yesterday's garbage. */
const collectGarbage: () => void = (() => {
  try {
    setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as () => void;
  } catch {
    return () => {};
  }
})();

export async function benchExport(deps: ExportBenchDeps, sizes: ExportSize[]): Promise<ExportFigure[]> {
  const figures: ExportFigure[] = [];
  for (const size of sizes) {
    const started = performance.now();
    const host = await deps.signup("Export Host");
    const eventId = await deps.createEvent(`Bench export ${size.participants}`, host.token);
    const seeded = await deps.seedParticipants(eventId, size.participants);
    const stored = await deps.seedConnections(eventId, seeded, size.connections);
    console.log(
      `\nexport: event of ${size.participants} participants and ${stored} connections seeded in ${Math.round(performance.now() - started)} ms`,
    );
    for (const table of TABLES) {
      for (const format of FORMATS) {
        const path = `/api/events/${eventId}/export?format=${format}&table=${table}`;
        const figure = await measureExport(deps, path, host.token, format);
        if (figure.status !== 200) throw new Error(`GET ${path}: ${figure.status}`);
        figures.push({ participants: size.participants, connections: stored, table, format, ...figure });
      }
    }
  }
  printExport(figures);
  return figures;
}

async function measureExport(
  deps: ExportBenchDeps,
  path: string,
  token: string,
  format: "csv" | "json",
): Promise<Omit<ExportFigure, "participants" | "connections" | "table" | "format">> {
  collectGarbage();
  const before = process.memoryUsage();
  let heapPeak = before.heapUsed;
  let rssPeak = before.rss;
  let memorySamples = 0;
  const sample = () => {
    const now = process.memoryUsage();
    heapPeak = Math.max(heapPeak, now.heapUsed);
    rssPeak = Math.max(rssPeak, now.rss);
    memorySamples++;
  };
  let livePeak = before.heapUsed;
  const timer = setInterval(sample, 10);
  const liveTimer = setInterval(() => {
    collectGarbage();
    livePeak = Math.max(livePeak, process.memoryUsage().heapUsed);
  }, 100);
  const started = performance.now();
  try {
    const { status, bytes, rows } = await streamCount(deps, path, token, format);
    sample();
    return {
      status,
      ms: Math.round(performance.now() - started),
      bytes,
      rows,
      heapBeforeMB: round(before.heapUsed / MB),
      heapPeakDeltaMB: round((heapPeak - before.heapUsed) / MB),
      liveHeapPeakDeltaMB: round((livePeak - before.heapUsed) / MB),
      rssBeforeMB: round(before.rss / MB),
      rssPeakDeltaMB: round((rssPeak - before.rss) / MB),
      memorySamples,
    };
  } finally {
    clearInterval(timer);
    clearInterval(liveTimer);
  }
}

/**
 * GET as the host; counts bytes and rows as the chunks arrive, holding none of them. CSV rows are
 * record ends (CRLF outside quotes) minus the header; JSON rows are the objects inside "rows".
 */
function streamCount(
  deps: ExportBenchDeps,
  path: string,
  token: string,
  format: "csv" | "json",
): Promise<{ status: number; bytes: number; rows: number }> {
  return new Promise((resolve, reject) => {
    const headers = { Authorization: `Bearer ${token}` };
    const req = request(new URL(path, deps.origin), { agent: deps.agent, method: "GET", headers }, (res) => {
      let bytes = 0;
      let records = 0;
      let quoted = false;
      let escaped = false;
      let depth = 0;
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        bytes += Buffer.byteLength(chunk);
        for (let i = 0; i < chunk.length; i++) {
          const c = chunk.charCodeAt(i);
          if (format === "csv") {
            if (c === 34) quoted = !quoted;
            else if (c === 10 && !quoted) records++;
            continue;
          }
          if (quoted) {
            if (escaped) escaped = false;
            else if (c === 92) escaped = true;
            else if (c === 34) quoted = false;
          } else if (c === 34) quoted = true;
          else if (c === 123) {
            depth++;
            if (depth === 2) records++;
          } else if (c === 125) depth--;
        }
      });
      res.on("end", () => {
        const rows = format === "csv" ? Math.max(0, records - 1) : records;
        resolve({ status: res.statusCode ?? 0, bytes, rows });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

function printExport(figures: ExportFigure[]): void {
  console.log("\nhost export (GET /api/events/:id/export, as the host; memory of the API process, peak − before)");
  console.log(
    "  participants connections  table         format      ms       bytes   rows  heap before  heap peak Δ  live peak Δ  rss peak Δ",
  );
  for (const f of figures) {
    console.log(
      `  ${String(f.participants).padStart(12)} ${String(f.connections).padStart(11)}  ${f.table.padEnd(12)}  ${f.format.padEnd(6)} ${String(f.ms).padStart(7)}  ${String(f.bytes).padStart(10)}  ${String(f.rows).padStart(5)}  ${`${f.heapBeforeMB.toFixed(1)} MB`.padStart(11)}  ${`${f.heapPeakDeltaMB.toFixed(1)} MB`.padStart(11)}  ${`${f.liveHeapPeakDeltaMB.toFixed(1)} MB`.padStart(11)}  ${`${f.rssPeakDeltaMB.toFixed(1)} MB`.padStart(10)}`,
    );
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
