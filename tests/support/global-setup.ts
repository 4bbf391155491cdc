import type { TestProject } from "vitest/node";
import { startDatabase } from "../../dev/database";
import { BROWSER_SKIP_LINE, skipBrowserTests } from "./browser";

// One database server for the whole run; every test file works in a database of its own.
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const database = await startDatabase({ log: (line) => console.log(line) });
  console.log(`tests use ${database.kind} at ${database.uri}`);
  if (skipBrowserTests()) console.log(BROWSER_SKIP_LINE);
  project.provide("mongoUri", database.uri);
  return () => database.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    mongoUri: string;
  }
}
