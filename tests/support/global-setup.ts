import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { startDatabase } from "../../dev/database";
import { BROWSER_SKIP_LINE, skipBrowserTests } from "./browser";

// One database server for the whole run; every test file works in a database of its own.
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const database = await startDatabase({ log: (line) => console.log(line) });
  console.log(`tests use ${database.kind} at ${database.uri}`);
  if (skipBrowserTests()) console.log(BROWSER_SKIP_LINE);
  project.provide("mongoUri", database.uri);
  // One log per run: a test that runs vitest itself (browser-skip) must not touch this run's.
  const contractLog = join(__dirname, "..", "..", "test-artifacts", `contract-checks-${process.pid}.log`);
  rmSync(contractLog, { force: true });
  project.provide("contractLog", contractLog);
  return async () => {
    await database.stop();
    if (!existsSync(contractLog)) return;
    const lines = readFileSync(contractLog, "utf8").trim().split("\n");
    const total = lines.reduce((sum, line) => sum + Number(line.split(" ")[0]), 0);
    console.log(`contract: ${total} responses checked against the OpenAPI document in ${lines.length} test files`);
    rmSync(contractLog, { force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    mongoUri: string;
    contractLog: string;
  }
}
