import { randomBytes } from "node:crypto";
import mongoose from "mongoose";
import { afterAll, inject } from "vitest";
import { type PusherServer, startPusherServer } from "../../dev/pusher-server";

// Runs before each test file: a database of its own, and a local Pusher-protocol server that the
// real `pusher` SDK publishes to, so tests assert exactly what was sent.
export const TEST_PUSHER_APP = { appId: "shatter-test", key: "shatter-test-key", secret: "shatter-test-secret" };

const pusher = await startPusherServer({ apps: [TEST_PUSHER_APP] });
(globalThis as { testPusher?: PusherServer }).testPusher = pusher;

Object.assign(process.env, {
  MONGODB_URI: inject("mongoUri"),
  MONGODB_DB: `shatter_test_${randomBytes(6).toString("hex")}`,
  JWT_SECRET: "test-secret-that-is-long-enough-for-hs256!",
  PUSHER_APP_ID: TEST_PUSHER_APP.appId,
  PUSHER_KEY: TEST_PUSHER_APP.key,
  PUSHER_SECRET: TEST_PUSHER_APP.secret,
  PUSHER_HOST: pusher.host,
  PUSHER_PORT: String(pusher.port),
  PUSHER_TIMEOUT_MS: "1000",
  DB_TIMEOUT_MS: "3000",
  CORS_ORIGINS: "https://dashboard.shatter.test",
  CRON_SECRET: "test-cron-secret-of-at-least-32-chars",
  // supertest connects from loopback, standing in for a proxy that names the client in X-Real-IP
  // (the factories sign up from addresses of their own); tests/client-ip.test.ts runs without it.
  TRUSTED_PROXY_IPS: "127.0.0.1,::1",
  // One info line per request would bury the test output; warnings and errors still show.
  LOG_LEVEL: "warn",
  TRUST_X_REAL_IP: "true",
  // Hundreds of sign-ups per file: N=2^12 instead of 2^17 (tests/auth-tokens.test.ts checks 17).
  PASSWORD_SCRYPT_LOG_N: "12",
});

afterAll(async () => {
  if (mongoose.connection.readyState === 1) await mongoose.connection.db?.dropDatabase();
  await mongoose.disconnect();
  await pusher.close();
});
