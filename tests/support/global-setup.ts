import { existsSync, readFileSync, rmSync } from "node:fs";
import type { TestProject } from "vitest/node";
import { startDatabase } from "../../dev/database";
import { BROWSER_SKIP_LINE, skipBrowserTests } from "./browser";
import { CONTRACT_LOG } from "./contract-log";

// One database server for the whole run; every test file works in a database of its own.
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const database = await startDatabase({ log: (line) => console.log(line) });
  console.log(`tests use ${database.kind} at ${database.uri}`);
  if (skipBrowserTests()) console.log(BROWSER_SKIP_LINE);
  project.provide("mongoUri", database.uri);
  rmSync(CONTRACT_LOG, { force: true });
  return async () => {
    await database.stop();
    if (!existsSync(CONTRACT_LOG)) return;
    const lines = readFileSync(CONTRACT_LOG, "utf8").trim().split("\n");
    const total = lines.reduce((sum, line) => sum + Number(line.split(" ")[0]), 0);
    console.log(`contract: ${total} responses checked against the OpenAPI document in ${lines.length} test files`);
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    mongoUri: string;
  }
}
