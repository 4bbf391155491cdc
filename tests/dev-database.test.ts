import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningDatabase, startDatabase } from "../dev/database";

// Which database tests and `npm run dev` start (dev/database.ts). mongodb-memory-server is made to
// fail the same way on every machine by pointing it at a mongod that does not exist.

describe("database choice", () => {
  const started: RunningDatabase[] = [];
  const savedBinary = process.env.MONGOMS_SYSTEM_BINARY;
  let folder: string;

  const start = (env: Record<string, string>, marker: string) => {
    const lines: string[] = [];
    const database = startDatabase({ env, failureMarker: marker, log: (line) => lines.push(line) }).then((db) => {
      started.push(db);
      return db;
    });
    return { database, lines };
  };

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), "shatter-db-choice-"));
    process.env.MONGOMS_SYSTEM_BINARY = join(folder, "no-such-mongod");
  });

  afterAll(async () => {
    if (savedBinary === undefined) delete process.env.MONGOMS_SYSTEM_BINARY;
    else process.env.MONGOMS_SYSTEM_BINARY = savedBinary;
    for (const database of started) await database.stop();
  });

  it("startDatabase – a failed mongodb-memory-server is remembered: this run and the next use FerretDB without trying again", async () => {
    const marker = join(folder, "first", "mongodb-memory-server-failed");
    const first = start({}, marker);
    expect((await first.database).kind).toBe("ferretdb");
    const remembered = readFileSync(marker, "utf8");
    expect(remembered).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z: No Binary at path ".*no-such-mongod" was found!/);
    expect(first.lines).toEqual([
      expect.stringMatching(
        /^mongodb-memory-server unavailable \(No Binary at path .*\); using FerretDB, now and in later runs\. SHATTER_DB=mongodb-memory-server tries it again$/,
      ),
    ]);

    // Had the next run tried again, its failure would have rewritten the marker with a new time.
    writeFileSync(marker, "2026-01-01T00:00:00.000Z: Download failed\n");
    const second = start({}, marker);
    expect((await second.database).kind).toBe("ferretdb");
    expect(second.lines).toEqual([
      "mongodb-memory-server failed before (2026-01-01T00:00:00.000Z: Download failed); using FerretDB. SHATTER_DB=mongodb-memory-server tries it again",
    ]);
    expect(readFileSync(marker, "utf8")).toBe("2026-01-01T00:00:00.000Z: Download failed\n");
  });

  it("startDatabase – SHATTER_DB=mongodb-memory-server tries again despite the marker and reports its failure instead of falling back", async () => {
    const marker = join(folder, "forced-marker");
    writeFileSync(marker, "2026-01-01T00:00:00.000Z: Download failed\n");
    await expect(start({ SHATTER_DB: "mongodb-memory-server" }, marker).database).rejects.toThrow(
      /^SHATTER_DB=mongodb-memory-server, which failed: No Binary at path ".*no-such-mongod" was found!/,
    );
    expect(readFileSync(marker, "utf8")).not.toContain("2026-01-01");
  });

  it("startDatabase – SHATTER_DB=ferretdb starts FerretDB without trying mongodb-memory-server or writing the marker", async () => {
    const marker = join(folder, "ferretdb-marker");
    const run = start({ SHATTER_DB: "ferretdb" }, marker);
    const database = await run.database;
    expect([database.kind, database.uri, run.lines, existsSync(marker)]).toEqual([
      "ferretdb",
      expect.stringMatching(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/),
      [],
      false,
    ]);
  });

  it("startDatabase – an unknown SHATTER_DB is refused with the values it takes; MONGODB_URI wins over both", async () => {
    const marker = join(folder, "unknown-marker");
    await expect(start({ SHATTER_DB: "mysql" }, marker).database).rejects.toThrow(
      new Error("SHATTER_DB=mysql is not a database this project starts: use mongodb-memory-server or ferretdb"),
    );
    const external = await start({ MONGODB_URI: "mongodb://db.example.com/x", SHATTER_DB: "mysql" }, marker).database;
    expect([external.kind, external.uri, existsSync(marker)]).toEqual([
      "external",
      "mongodb://db.example.com/x",
      false,
    ]);
  });
});
