import { existsSync, readFileSync } from "node:fs";

// `npm run bench` compares what it measured with the committed baseline
// (dev/bench-results/baseline.json, written by `npm run bench -- --out dev/bench-results/baseline.json`
// on the commit it names) and says which figures got worse. Commands and bytes are what the code
// controls, so they are compared strictly (bytes with 5 % for names and ids of other lengths);
// latencies on a shared machine wander, so a latency is worse only past 25 % and 2 ms, and a
// throughput only below 80 %. Both runs should be on the same machine with nothing else running.

export interface Figures {
  requests: number;
  p50Ms: number;
  p95Ms: number;
  commands: number;
  bytesSent: number;
  bytesReceived: number;
}

export type SizeFigures = Record<string, Figures | number | undefined>;

export interface BenchFile {
  at: string;
  commit?: string;
  sizes: Record<string, SizeFigures>;
}

const LATENCY_SLACK = { ratio: 1.25, ms: 2 };
const BYTES_SLACK = 1.05;
const COMMANDS_SLACK = 0.05;
const THROUGHPUT_SLACK = 0.8;

export interface Verdict {
  size: string;
  request: string;
  figure: string;
  baseline: number;
  now: number;
  worse: boolean;
}

/** Every figure both runs have, each with whether it got worse (by the slack above). */
export function compare(now: Record<string, SizeFigures>, baseline: Record<string, SizeFigures>): Verdict[] {
  const verdicts: Verdict[] = [];
  for (const [size, requests] of Object.entries(now)) {
    const before = baseline[size];
    if (!before) continue;
    for (const [request, figures] of Object.entries(requests)) {
      const old = before[request];
      if (typeof figures === "number" && typeof old === "number") {
        verdicts.push({
          size,
          request,
          figure: "per s",
          baseline: old,
          now: figures,
          worse: figures < old * THROUGHPUT_SLACK,
        });
        continue;
      }
      if (typeof figures !== "object" || typeof old !== "object") continue;
      const add = (figure: string, a: number, b: number, worse: boolean) =>
        verdicts.push({ size, request, figure, baseline: a, now: b, worse });
      add("commands", old.commands, figures.commands, figures.commands > old.commands + COMMANDS_SLACK);
      const oldBytes = old.bytesSent + old.bytesReceived;
      const bytes = figures.bytesSent + figures.bytesReceived;
      add("bytes", oldBytes, bytes, bytes > oldBytes * BYTES_SLACK);
      for (const key of ["p50Ms", "p95Ms"] as const) {
        const slower = figures[key] > old[key] * LATENCY_SLACK.ratio && figures[key] > old[key] + LATENCY_SLACK.ms;
        add(key === "p50Ms" ? "p50 ms" : "p95 ms", old[key], figures[key], slower);
      }
    }
  }
  return verdicts;
}

export function readBaseline(file: string): BenchFile | null {
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, "utf8")) as BenchFile;
}

/** Prints the comparison: what got worse (or that nothing did), then every figure that changed. */
export function printComparison(now: Record<string, SizeFigures>, baseline: BenchFile, file: string): Verdict[] {
  const verdicts = compare(now, baseline.sizes);
  const label = `${file}${baseline.commit ? ` (${baseline.commit})` : ""}, ${baseline.at}`;
  if (verdicts.length === 0) {
    console.log(`\nbaseline ${label}: no size in common, nothing compared`);
    return verdicts;
  }
  const worse = verdicts.filter((v) => v.worse);
  console.log(`\nagainst the baseline ${label}:`);
  const line = (v: Verdict) =>
    `  ${`${v.size}`.padStart(5)}  ${v.request.padEnd(38)} ${v.figure.padEnd(8)} ${fmt(v.baseline).padStart(9)} → ${fmt(v.now).padStart(9)}  ${ratio(v)}`;
  if (worse.length === 0) console.log(`  no figure worse than the baseline (${verdicts.length} compared)`);
  else {
    console.log(`  WORSE (${worse.length} of ${verdicts.length}):`);
    for (const v of worse) console.log(line(v));
  }
  const better = verdicts.filter((v) => !v.worse && isBetter(v));
  if (better.length > 0) {
    console.log(`  better (${better.length}):`);
    for (const v of better) console.log(line(v));
  }
  return verdicts;
}

function isBetter(v: Verdict): boolean {
  if (v.figure === "per s") return v.now > v.baseline / THROUGHPUT_SLACK;
  if (v.figure === "commands") return v.now < v.baseline - COMMANDS_SLACK;
  if (v.figure === "bytes") return v.now * BYTES_SLACK < v.baseline;
  return v.now * LATENCY_SLACK.ratio < v.baseline && v.now + LATENCY_SLACK.ms < v.baseline;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function ratio(v: Verdict): string {
  return v.baseline === 0 ? "" : `×${(v.now / v.baseline).toFixed(2)}`;
}
