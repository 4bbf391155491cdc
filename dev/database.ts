import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";

// Picks the database for tests and `npm run dev`, in this order: MONGODB_URI; a mongod from
// mongodb-memory-server (a laptop with internet gets one); an embedded FerretDB built with Go
// (machines where no mongod binary can be had). A failed mongodb-memory-server attempt (about 7 s
// offline) is remembered in .cache/, so later runs go straight to FerretDB; SHATTER_DB forces one.

export interface RunningDatabase {
  uri: string;
  kind: "external" | "mongodb-memory-server" | "ferretdb";
  stop(): Promise<void>;
}

export interface DatabaseOptions {
  /** Keep data in this folder across runs; a throwaway folder when unset. */
  dataDir?: string;
  log?: (line: string) => void;
  /** Where MONGODB_URI and SHATTER_DB are read (default process.env). */
  env?: Record<string, string | undefined>;
  /** The file that remembers a failed mongodb-memory-server attempt (default .cache/mongodb-memory-server-failed). */
  failureMarker?: string;
}

const REPO_ROOT = join(__dirname, "..");
export const FERRETDB_BINARY = join(REPO_ROOT, ".cache", "ferretdb");
export const MEMORY_SERVER_FAILURE_MARKER = join(REPO_ROOT, ".cache", "mongodb-memory-server-failed");
const CHOICES = ["mongodb-memory-server", "ferretdb"] as const;
const RETRY_HINT = "SHATTER_DB=mongodb-memory-server tries it again";

export async function startDatabase(options: DatabaseOptions = {}): Promise<RunningDatabase> {
  const log = options.log ?? (() => undefined);
  const env = options.env ?? process.env;
  const marker = options.failureMarker ?? MEMORY_SERVER_FAILURE_MARKER;
  if (env.MONGODB_URI) {
    return { uri: env.MONGODB_URI, kind: "external", stop: async () => undefined };
  }
  const forced = env.SHATTER_DB?.trim() || undefined;
  if (forced !== undefined && !(CHOICES as readonly string[]).includes(forced)) {
    throw new Error(`SHATTER_DB=${forced} is not a database this project starts: use ${CHOICES.join(" or ")}`);
  }
  if (forced === "ferretdb") return startFerretDb(options.dataDir);
  if (forced === undefined && existsSync(marker)) {
    log(`mongodb-memory-server failed before (${readFileSync(marker, "utf8").trim()}); using FerretDB. ${RETRY_HINT}`);
    return startFerretDb(options.dataDir);
  }
  try {
    const database = await quietly(() => startMemoryServer(options.dataDir));
    rmSync(marker, { force: true });
    return database;
  } catch (error) {
    // Its download error's first line ends in ", Details:" with the details on the next lines.
    const reason = ((error as Error).message.split("\n")[0] ?? "").replace(/,?\s*Details:?\s*$/, "") || "unknown error";
    mkdirSync(dirname(marker), { recursive: true });
    writeFileSync(marker, `${new Date().toISOString()}: ${reason}\n`);
    if (forced) throw new Error(`SHATTER_DB=mongodb-memory-server, which failed: ${reason}`);
    log(`mongodb-memory-server unavailable (${reason}); using FerretDB, now and in later runs. ${RETRY_HINT}`);
  }
  return startFerretDb(options.dataDir);
}

/** mongodb-memory-server prints a stack trace for a failed download; the one-line reason is enough. */
async function quietly<T>(action: () => Promise<T>): Promise<T> {
  const { error, warn } = console;
  console.error = console.warn = () => undefined;
  try {
    return await action();
  } finally {
    Object.assign(console, { error, warn });
  }
}

async function startMemoryServer(dataDir: string | undefined): Promise<RunningDatabase> {
  const { MongoMemoryServer } = await import("mongodb-memory-server");
  const server = await MongoMemoryServer.create({
    instance: dataDir ? { dbPath: dataDir, storageEngine: "wiredTiger" } : {},
  });
  return { uri: server.getUri(), kind: "mongodb-memory-server", stop: async () => void (await server.stop()) };
}

/** Builds dev/ferretdb into .cache/ferretdb unless it is there already. */
export function buildFerretDb(): string {
  if (!existsSync(FERRETDB_BINARY)) {
    execFileSync("go", ["build", "-o", FERRETDB_BINARY, "."], {
      cwd: join(REPO_ROOT, "dev", "ferretdb"),
      stdio: "inherit",
    });
  }
  return FERRETDB_BINARY;
}

async function startFerretDb(dataDir: string | undefined): Promise<RunningDatabase> {
  const binary = buildFerretDb();
  // FerretDB's in-memory SQLite mode stalls after a duplicate-key error, so even throwaway data
  // lives in a temporary folder.
  const folder = dataDir ?? mkdtempSync(join(tmpdir(), "shatter-ferretdb-"));
  const child = spawn(binary, ["-listen", "127.0.0.1:0", "-data", folder], { stdio: ["pipe", "pipe", "inherit"] });
  const uri = await waitForReady(child);
  return {
    uri,
    kind: "ferretdb",
    stop: async () => {
      await stopChild(child);
      if (!dataDir) rmSync(folder, { recursive: true, force: true });
    },
  };
}

function waitForReady(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("FerretDB did not start within 30 s")), 30_000);
    child.once("exit", (code) => reject(new Error(`FerretDB exited with code ${code}`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      const uri = /^ready (\S+)/.exec(line)?.[1];
      if (uri) {
        clearTimeout(timer);
        resolve(uri);
      }
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
