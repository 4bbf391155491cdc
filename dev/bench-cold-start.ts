import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildForVercel, listFunctions, VERCEL_OUTPUT } from "./vercel-build";
import { readFunctionConfig } from "./vercel-output-server";

// `npm run bench:cold-start [-- --runs 15 --function api/health --build]`: what a cold start costs
// each built function. Per run, a fresh Node process (cwd: a copy of the .func folder outside the
// repository, as on the platform) imports the function's handler until its default export is
// ready; the script prints, per function, the median of the whole process (spawn → handler ready)
// and of the import alone, with the function's file count and size. A script, not a test: figures
// depend on the machine. Results also go to .cache/bench/cold-start.json.

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "15" },
    function: { type: "string", multiple: true },
    build: { type: "boolean", default: false },
  },
});
const runs = Number(values.runs);

// What the child runs: import the handler the way Vercel's Node launcher does, then report.
const PROBE = `
const started = performance.now();
import(require("node:path").resolve(process.argv[1])).then((module) => {
  const handler = module.default?.default ?? module.default;
  if (typeof handler !== "function") throw new Error("no default handler");
  const ready = performance.now();
  process.stdout.write(JSON.stringify({ importMs: ready - started, readyAt: performance.timeOrigin + ready }));
});`;

// Import-time configuration only: the handler parses its environment when it loads, but opens no
// connection until a request comes.
const PROBE_ENV = {
  PATH: process.env.PATH,
  MONGODB_URI: "mongodb://127.0.0.1:27017/bench",
  JWT_SECRET: "cold-start-benchmark-secret-of-enough-length",
};

interface Figures {
  function: string;
  runtime: string;
  files: number;
  bytes: number;
  processMs: number;
  importMs: number;
}

function main(): void {
  const functions = values.build ? buildForVercel() : listFunctions();
  const chosen = values.function ?? functions;
  const sandbox = mkdtempSync(join(tmpdir(), "shatter-cold-start-"));
  const results: Figures[] = [];
  try {
    for (const fn of chosen) results.push(measure(fn, join(sandbox, fn.replaceAll("/", "_"))));
  } finally {
    rmSync(sandbox, { recursive: true, force: true });
  }

  console.log(`Cold start of each built function, median of ${runs} fresh Node ${process.version} processes\n`);
  console.log(["function".padEnd(34), "runtime", "   files", "    MiB", "process ms", " import ms"].join("  "));
  for (const r of results) {
    console.log(
      [
        r.function.padEnd(34),
        r.runtime.padEnd(11),
        String(r.files).padStart(6),
        (r.bytes / 2 ** 20).toFixed(2).padStart(7),
        r.processMs.toFixed(0).padStart(10),
        r.importMs.toFixed(0).padStart(10),
      ].join("  "),
    );
  }
  const folder = join(__dirname, "..", ".cache", "bench");
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, "cold-start.json"),
    `${JSON.stringify({ node: process.version, runs, results }, null, 2)}\n`,
  );
  console.log(`\nWritten to ${join(".cache", "bench", "cold-start.json")}`);
}

function measure(fn: string, folder: string): Figures {
  const source = join(VERCEL_OUTPUT, "functions", `${fn}.func`);
  const config = readFunctionConfig(fn);
  cpSync(source, folder, { recursive: true });
  const { files, bytes } = folderSize(folder);
  const processMs: number[] = [];
  const importMs: number[] = [];
  for (let run = 0; run < runs; run++) {
    const spawnedAt = performance.timeOrigin + performance.now();
    const child = spawnSync(process.execPath, ["-e", PROBE, config.handler], {
      cwd: folder,
      env: PROBE_ENV,
      encoding: "utf8",
    });
    if (child.status !== 0) throw new Error(`${fn} failed to load:\n${child.stderr}`);
    const probe = JSON.parse(child.stdout) as { importMs: number; readyAt: number };
    // Both clocks are the wall clock in high resolution: from spawn to a ready handler.
    processMs.push(probe.readyAt - spawnedAt);
    importMs.push(probe.importMs);
  }
  return {
    function: fn,
    runtime: config.runtime,
    files,
    bytes,
    processMs: median(processMs),
    importMs: median(importMs),
  };
}

function folderSize(folder: string): { files: number; bytes: number } {
  const entries = readdirSync(folder, { recursive: true, encoding: "utf8" })
    .map((entry) => statSync(join(folder, entry)))
    .filter((stat) => stat.isFile());
  return { files: entries.length, bytes: entries.reduce((sum, stat) => sum + stat.size, 0) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

main();
