import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

// Picks the database for tests and `npm run dev`, in this order: MONGODB_URI; a mongod from
// mongodb-memory-server (a laptop with internet gets one); an embedded FerretDB built with Go
// (machines where no mongod binary can be had).

export interface RunningDatabase {
  uri: string;
  kind: "external" | "mongodb-memory-server" | "ferretdb";
  stop(): Promise<void>;
}

export interface DatabaseOptions {
  /** Keep data in this folder across runs; a throwaway folder when unset. */
  dataDir?: string;
  log?: (line: string) => void;
}

const REPO_ROOT = join(__dirname, "..");
export const FERRETDB_BINARY = join(REPO_ROOT, ".cache", "ferretdb");

export async function startDatabase(options: DatabaseOptions = {}): Promise<RunningDatabase> {
  const log = options.log ?? (() => undefined);
  if (process.env.MONGODB_URI) {
    return { uri: process.env.MONGODB_URI, kind: "external", stop: async () => undefined };
  }
  if (process.env.SHATTER_DB !== "ferretdb") {
    try {
      return await quietly(() => startMemoryServer(options.dataDir));
    } catch (error) {
      log(`mongodb-memory-server unavailable (${(error as Error).message.split("\n")[0]}); using FerretDB`);
    }
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
