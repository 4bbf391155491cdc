import mongoose from "mongoose";
import { env } from "../env";
import { ActivityEntry } from "../models/activity-entry";
import { BingoCard } from "../models/bingo-card";
import { Event } from "../models/event";
import { Participant } from "../models/participant";
import { RateLimitWindow } from "../models/rate-limit-window";
import { User } from "../models/user";

// Warm invocations of a function share one connection; a failed attempt is forgotten so the
// next request tries again instead of failing forever.
const cache = globalThis as typeof globalThis & { shatterDb?: Promise<typeof mongoose> };

mongoose.set("strictQuery", true);
// Never queue commands while disconnected: a request should fail fast with a 503, not hang.
mongoose.set("bufferCommands", false);

export function connectDatabase(): Promise<typeof mongoose> {
  cache.shatterDb ??= mongoose
    .connect(env.MONGODB_URI, {
      dbName: env.MONGODB_DB,
      // Every wait is bounded: finding a server, opening a connection, and a reply on an open one
      // (a database that stops answering rather than refusing). A write to a hung database waits
      // for several of these plus the driver's one retry: a 503 within about 5 × DB_TIMEOUT_MS.
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
    })
    .then(async (connection) => {
      // Once per cold start: make sure the unique indexes the invariants rely on exist.
      await Promise.all(
        [User, Event, Participant, ActivityEntry, BingoCard, RateLimitWindow].map((model) => model.createIndexes()),
      );
      return connection;
    })
    .catch(async (error: unknown) => {
      cache.shatterDb = undefined;
      await mongoose.disconnect().catch(() => undefined);
      throw error;
    });
  return cache.shatterDb;
}
