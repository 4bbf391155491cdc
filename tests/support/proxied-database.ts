import mongoose from "mongoose";
import { afterAll, inject } from "vitest";
import { type DbProxy, startDbProxy } from "./db-proxy";

// The faults tests put a proxy that plays the network (tests/support/db-proxy.ts) between the API
// and the test file's database, and read what was stored past it, straight from the database.

/**
 * Starts the proxy in front of this file's database and points the API at it; `env` sets further
 * variables (`undefined` unsets one, leaving its default). Call it inside `vi.hoisted`, so that it
 * runs before src/env.ts parses the environment:
 * `const proxy = await vi.hoisted(async () => (await import("./support/proxied-database")).proxyTheDatabase())`.
 */
export async function proxyTheDatabase(
  options: { listening?: boolean; env?: Record<string, string | undefined> } = {},
): Promise<DbProxy> {
  const proxy = await startDbProxy(process.env.MONGODB_URI ?? "", { listening: options.listening });
  process.env.MONGODB_URI = proxy.uri;
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  return proxy;
}

/**
 * After the file's tests: `beforeStop` (e.g. let the database back in), then the file's database
 * is dropped through the proxy and the proxy stopped, in that order (tests/support/setup.ts, which
 * otherwise drops it, would find the proxy gone).
 */
export function stopProxyAfterAll(proxy: DbProxy, beforeStop?: () => Promise<void>): void {
  afterAll(async () => {
    await beforeStop?.();
    if (mongoose.connection.readyState === 1) await mongoose.connection.db?.dropDatabase();
    await mongoose.disconnect();
    await proxy.stop();
  });
}

/**
 * This file's database reached by the driver directly, past the proxy (not through Mongoose, whose
 * connection a failed cold start disconnects), for the checks; closed after the file's tests.
 */
export async function realDatabase(): Promise<mongoose.mongo.Db> {
  const client = await new mongoose.mongo.MongoClient(inject("mongoUri")).connect();
  afterAll(() => client.close());
  return client.db(process.env.MONGODB_DB);
}
