import mongoose from "mongoose";
import { env } from "../env";
// Registers every model, so that mongoose.modelNames() below names them all.
import "../models";

// Warm invocations of a function share one connection. A connection that lost the database is
// discarded and the next request builds a new one: the driver alone can stay wedged for a minute
// after the database is back, and is slow to notice it is back at all.
const cache = globalThis as typeof globalThis & {
  shatterDb?: Promise<typeof mongoose>;
  shatterDbClosing?: Promise<void>;
  shatterDbIndexes?: Promise<void>;
};

mongoose.set("strictQuery", true);
// Never queue commands while disconnected: a request should fail fast with a 503, not hang.
mongoose.set("bufferCommands", false);

export type DatabaseConnection = Promise<typeof mongoose>;

export function connectDatabase(): DatabaseConnection {
  if (!cache.shatterDb) {
    const opening = openConnection();
    cache.shatterDb = opening;
    // A failed attempt is forgotten so the next request tries again instead of failing forever.
    opening.catch(() => discardDatabaseConnection(opening));
  }
  return cache.shatterDb;
}

/**
 * Forgets `used` (the connection a failed request ran on) and closes it once its other requests
 * are done, unless another request already replaced it. The next request opens a new one.
 */
export function discardDatabaseConnection(used: DatabaseConnection | undefined): void {
  if (!used || cache.shatterDb !== used) return;
  cache.shatterDb = undefined;
  const previous = cache.shatterDbClosing;
  const closing = (async () => {
    await previous;
    await used.catch(() => undefined);
    // Not forced: Mongoose refuses every later command on a force-closed connection, even once it
    // reconnects. The next connection waits for this close, since both use the same Mongoose
    // connection; the driver sends nothing to a server it cannot select, so a dead one costs nothing.
    await mongoose.connection.close().catch(() => undefined);
  })();
  cache.shatterDbClosing = closing;
  void closing.finally(() => {
    if (cache.shatterDbClosing === closing) cache.shatterDbClosing = undefined;
  });
}

// A failure (no server to select, no answer in time, a reset or refused connection) rebuilds the
// connection only when no command has had an answer for OUTAGE_MS: an outage, not one request's
// bad luck while others are served (the driver replaces a broken socket itself). A request past
// its time budget rebuilds it only when nothing was answered all the while it waited: under load
// it can wait behind the others (and behind one long command) while the database answers, and a
// rebuild then would fail every request in flight on the instance.
const OUTAGE_MS = 1_000;
let lastAnsweredAt = 0;
const watchedClients = new WeakSet<object>();

/** Notes that the database answered a command (every reply, from the driver's monitoring). */
export function recordDatabaseAnswered(): void {
  lastAnsweredAt = Date.now();
}

/**
 * Notes that a request on `used` failed because of the database: the connection is rebuilt when
 * nothing has been answered for OUTAGE_MS, or, for a request past its time budget that waited on
 * the database since `waitedSince`, nothing since then.
 */
export function recordDatabaseFailure(used: DatabaseConnection | undefined, waitedSince?: number): void {
  const quietSince = waitedSince ?? Date.now() - OUTAGE_MS;
  if (lastAnsweredAt < quietSince) discardDatabaseConnection(used);
}

async function openConnection(): Promise<typeof mongoose> {
  await cache.shatterDbClosing;
  const connection = await mongoose.connect(env.MONGODB_URI, {
    dbName: env.MONGODB_DB,
    // Every wait is bounded: finding a server, opening a connection, and a reply on an open one
    // (a database that stops answering rather than refusing). A write to a silent database waits
    // for several of these plus the driver's one retry; the request's time budget
    // (REQUEST_BUDGET_MS) bounds the sum.
    serverSelectionTimeoutMS: env.DB_TIMEOUT_MS,
    connectTimeoutMS: env.DB_TIMEOUT_MS,
    socketTimeoutMS: env.DB_TIMEOUT_MS,
    maxPoolSize: 10,
    autoIndex: false,
    // Collections come into being with their indexes below (or with their first insert), not
    // with a `create` command inside whichever request first loads a model.
    autoCreate: false,
    // Lets tests count round trips per request; the driver only does work when someone listens.
    monitorCommands: true,
  });
  const client = connection.connection.getClient();
  if (!watchedClients.has(client)) {
    watchedClients.add(client);
    client.on("commandSucceeded", recordDatabaseAnswered);
  }
  // Once per cold start: build the indexes every model declares (the unique ones hold the
  // invariants; the rest keep queries off collection scans). Every registered model, not a list.
  cache.shatterDbIndexes ??= buildAllIndexes();
  try {
    await cache.shatterDbIndexes;
  } catch (error) {
    cache.shatterDbIndexes = undefined;
    throw error;
  }
  return connection;
}

/** Builds the declared indexes of every model Mongoose knows (all of `src/models/`). */
export async function buildAllIndexes(): Promise<void> {
  await Promise.all(mongoose.modelNames().map((name) => mongoose.model(name).createIndexes()));
}
