import { describe, expect, it } from "vitest";
import { DEV_JWT_SECRET, parseEnv } from "../src/env-schema";

// Configuration that would make a deployment guessable is refused when the functions start.

const BASE = { MONGODB_URI: "mongodb://127.0.0.1:27017", JWT_SECRET: "a-production-secret-of-at-least-32-chars" };

describe("parseEnv – secrets", () => {
  it("parseEnv – a CRON_SECRET under 32 characters is refused; 32 or unset is accepted", () => {
    expect(() => parseEnv({ ...BASE, CRON_SECRET: "x".repeat(31) })).toThrow(
      new Error("Invalid environment: CRON_SECRET: CRON_SECRET must be at least 32 characters"),
    );
    expect(parseEnv({ ...BASE, CRON_SECRET: "x".repeat(32) }).CRON_SECRET).toBe("x".repeat(32));
    expect(parseEnv({ ...BASE, CRON_SECRET: "" }).CRON_SECRET).toBeUndefined();
  });

  it("parseEnv – the dev-only JWT_SECRET is refused when VERCEL is set, as the current or the previous secret", () => {
    expect(() => parseEnv({ ...BASE, JWT_SECRET: DEV_JWT_SECRET, VERCEL: "1" })).toThrow(
      new Error("Invalid environment: JWT_SECRET: the dev-only JWT_SECRET is refused on Vercel"),
    );
    expect(() => parseEnv({ ...BASE, JWT_SECRET_PREVIOUS: DEV_JWT_SECRET, VERCEL: "1" })).toThrow(
      /the dev-only JWT_SECRET is refused on Vercel/,
    );
    // Off Vercel it is what `npm run dev` runs with.
    expect(parseEnv({ ...BASE, JWT_SECRET: DEV_JWT_SECRET }).JWT_SECRET).toBe(DEV_JWT_SECRET);
  });

  it("parseEnv – a JWT_SECRET_PREVIOUS under 32 characters is refused", () => {
    expect(() => parseEnv({ ...BASE, JWT_SECRET_PREVIOUS: "short" })).toThrow(
      new Error("Invalid environment: JWT_SECRET_PREVIOUS: JWT_SECRET_PREVIOUS must be at least 32 characters"),
    );
  });
});
