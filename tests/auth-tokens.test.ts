import { createHmac } from "node:crypto";
import { performance } from "node:perf_hooks";
import { beforeAll, describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "../src/auth/passwords";
import { keyId, signToken, verifyToken } from "../src/auth/tokens";
import { connectDatabase } from "../src/db/connection";
import { ApiError } from "../src/errors";
import { RATE_LIMITS } from "../src/limits/rate-limit";
import { authenticateUser } from "../src/users/accounts";
import { api, bearer, createUser, expectError, newObjectId } from "./support/harness";
import { base64url as b64, forgeToken, HS256 } from "./support/tokens";

// The token and password primitives, unit by unit. Route-level forgeries (alg none, wrong secret,
// expired, tampered, HS512, bad claims, guest tokens on createEvent) are in hostile-auth.test.ts
// and users-me.test.ts; only what they do not cover is sent through routes here.

const SECRET = process.env.JWT_SECRET ?? "";
const NOW = Date.UTC(2030, 5, 1, 12);
const NOW_S = NOW / 1000;
const USER_ID = "665a1b2c3d4e5f6a7b8c9d0e";

const forge = (header: unknown, claims: unknown, secret = SECRET, hash: "sha256" | "sha512" = "sha256") =>
  forgeToken(header, claims, secret, hash);

const claims = (extra: Record<string, unknown> = {}) => ({
  userId: USER_ID,
  kind: "user",
  iat: NOW_S,
  exp: NOW_S + 3600,
  ...extra,
});

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** Other spellings of a token's signature that decode to the same bytes. */
function respelledSignatures(token: string): Record<string, string> {
  const [header, payload, signature = ""] = token.split(".");
  const last = signature.at(-1) ?? "A";
  // A 32-byte HMAC takes 43 base64url characters; the last one's two low bits carry no data.
  const sameBytes = BASE64URL[BASE64URL.indexOf(last) ^ 1];
  return {
    "padding appended": `${token}=`,
    "a stray character appended": `${token}!`,
    "a stray character inside": `${header}.${payload}.${signature.slice(0, 10)}~${signature.slice(10)}`,
    "unused bits of the last character flipped": `${header}.${payload}.${signature.slice(0, -1)}${sameBytes}`,
  };
}

describe("signToken / verifyToken", () => {
  it("signToken / verifyToken – round trip keeps userId and kind, for users and guests", () => {
    const user = signToken({ userId: USER_ID, kind: "user" }, NOW);
    const guest = signToken({ userId: USER_ID, kind: "guest" }, NOW);
    expect(verifyToken(user, NOW)).toEqual({ userId: USER_ID, kind: "user" });
    expect(verifyToken(guest, NOW)).toEqual({ userId: USER_ID, kind: "guest" });
    expect(user.split(".")).toHaveLength(3);
    expect(JSON.parse(Buffer.from(user.split(".")[0] ?? "", "base64url").toString())).toEqual({
      ...HS256,
      kid: keyId(SECRET),
    });
  });

  it("verifyToken – valid until the second before exp, null from exp on", () => {
    const token = signToken({ userId: USER_ID, kind: "user" }, NOW);
    const { exp, iat } = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString());
    expect(exp - iat).toBeGreaterThanOrEqual(60);
    expect(verifyToken(token, exp * 1000 - 1)).not.toBeNull();
    expect(verifyToken(token, exp * 1000)).toBeNull();
    expect(verifyToken(token, exp * 1000 + 86_400_000)).toBeNull();
  });

  it("verifyToken – a hand-built token with the right secret verifies (the forging helper is sound)", () => {
    expect(verifyToken(forge(HS256, claims()), NOW)).toEqual({ userId: USER_ID, kind: "user" });
  });

  const rejected: Record<string, () => string> = {
    expired: () => forge(HS256, claims({ iat: NOW_S - 7200, exp: NOW_S - 1 })),
    "wrong secret": () => forge(HS256, claims(), `${SECRET}!`),
    "alg none, unsigned": () => `${b64({ alg: "none", typ: "JWT" })}.${b64(claims())}.`,
    "alg none, signed": () => forge({ alg: "none", typ: "JWT" }, claims()),
    "alg HS512 with the right secret": () => forge({ alg: "HS512", typ: "JWT" }, claims(), SECRET, "sha512"),
    "tampered payload": () => {
      const [header, , signature] = forge(HS256, claims()).split(".");
      return `${header}.${b64(claims({ userId: newObjectId() }))}.${signature}`;
    },
    "an extra segment": () => `${forge(HS256, claims())}.${b64("x")}`,
    "an empty extra segment": () => `${forge(HS256, claims())}.`,
    "two segments": () => forge(HS256, claims()).split(".").slice(0, 2).join("."),
    "a non-ObjectId userId": () => forge(HS256, claims({ userId: "admin" })),
    "an upper-case ObjectId": () => forge(HS256, claims({ userId: USER_ID.toUpperCase() })),
    "an operator as userId": () => forge(HS256, claims({ userId: { $ne: null } })),
    "missing exp": () => forge(HS256, { userId: USER_ID, kind: "user", iat: NOW_S }),
    "exp as a string": () => forge(HS256, claims({ exp: String(NOW_S + 3600) })),
    "a payload that is not JSON": () => {
      const data = `${b64(HS256)}.${b64("not json")}`;
      return `${data}.${createHmac("sha256", SECRET).update(data).digest("base64url")}`;
    },
    "a payload that is JSON null": () => forge(HS256, null),
    "an empty string": () => "",
  };

  for (const [kind, make] of Object.entries(rejected)) {
    it(`verifyToken – ${kind} is null`, () => {
      expect(verifyToken(make(), NOW)).toBeNull();
    });
  }

  it("verifyToken – a signature spelled any other way than signToken spells it is null", () => {
    const token = signToken({ userId: USER_ID, kind: "user" }, NOW);
    for (const [how, respelled] of Object.entries(respelledSignatures(token))) {
      expect(respelled, how).not.toBe(token);
      expect(verifyToken(respelled, NOW), how).toBeNull();
    }
  });
});

describe("respelled signatures through routes", () => {
  it("GET /api/users/me and POST /api/events/createEvent – a real token with its signature respelled is a 401 unauthorized", async () => {
    const user = await createUser();
    for (const [how, token] of Object.entries(respelledSignatures(user.token))) {
      const me = await api()
        .get("/api/users/me")
        .set(...bearer(token));
      expect(me.status, how).toBe(401);
      expectError(me, 401, "unauthorized");
      const create = await api()
        .post("/api/events/createEvent")
        .set(...bearer(token))
        .send({ name: "Respelled Party" });
      expect(create.status, how).toBe(401);
      expectError(create, 401, "unauthorized");
    }
    // The token as issued still works, so the 401s are about the respelling.
    await api()
      .get("/api/users/me")
      .set(...bearer(user.token))
      .expect(200);
  });
});

describe("passwords", () => {
  it("verifyPassword – true for the password, false for another, a near miss, or a malformed stored hash", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(stored).toMatch(/^\$scrypt\$ln=\d+,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verifyPassword("correct horse battery", stored)).toBe(true);
    expect(await verifyPassword("correct horse batter", stored)).toBe(false);
    expect(await verifyPassword("Correct horse battery", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
    for (const malformed of [
      "",
      "scrypt",
      "scrypt$$",
      "$scrypt$$",
      "bcrypt$abc$def",
      stored.replace("scrypt", "plain"),
    ]) {
      expect(await verifyPassword("correct horse battery", malformed), malformed).toBe(false);
    }
  });

  it("hashPassword – the same password hashes differently each time (random salt), and both verify", async () => {
    const [a, b] = await Promise.all([hashPassword("same password"), hashPassword("same password")]);
    expect(a).not.toBe(b);
    expect(await verifyPassword("same password", a)).toBe(true);
    expect(await verifyPassword("same password", b)).toBe(true);
  });

  it("verifyPassword – no stored hash (an unknown email) is false for any password", async () => {
    for (const password of ["", "correct horse battery", "scrypt"]) {
      expect(await verifyPassword(password, undefined)).toBe(false);
    }
  });
});

describe("login timing", () => {
  beforeAll(async () => {
    await connectDatabase();
  });

  async function timeFailure(email: string, password: string): Promise<number> {
    const started = performance.now();
    const error = await authenticateUser(email, password).catch((caught: unknown) => caught);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe("invalid_credentials");
    return elapsed;
  }

  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length / 2;
    return ((sorted[Math.floor(mid - 0.5)] ?? 0) + (sorted[Math.ceil(mid - 0.5)] ?? 0)) / 2;
  };

  it("authenticateUser – an unknown email takes as long as a wrong password (scrypt runs for both)", async () => {
    const user = await createUser({ password: "correct horse battery" });
    const rounds = 10;
    const unknown: number[] = [];
    const wrong: number[] = [];
    // Warm up both paths, then interleave so drift hits both alike.
    await timeFailure(`nobody-${newObjectId()}@example.com`, "whatever it is");
    await timeFailure(user.email, "not the password");
    for (let i = 0; i < rounds; i++) {
      unknown.push(await timeFailure(`nobody-${newObjectId()}@example.com`, "not the password"));
      wrong.push(await timeFailure(user.email, "not the password"));
    }
    // One scrypt on its own, to show the unknown-email path is not just a fast database miss.
    const stored = await hashPassword("correct horse battery");
    const scryptAlone: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const started = performance.now();
      await verifyPassword("not the password", stored);
      scryptAlone.push(performance.now() - started);
    }
    const ratio = median(unknown) / median(wrong);
    console.log(
      `login timing: median unknown email ${median(unknown).toFixed(1)} ms, wrong password ${median(wrong).toFixed(1)} ms, ratio ${ratio.toFixed(2)}; scrypt alone ${median(scryptAlone).toFixed(1)} ms (${rounds} each)`,
    );
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
    expect(median(unknown)).toBeGreaterThan(median(scryptAlone) * 0.5);
  });
});

describe("rate limit defaults", () => {
  it("RATE_LIMITS – without configuration: sized for a venue behind one IP, per email and IP for logins", () => {
    const minute = 60_000;
    expect(RATE_LIMITS.loginPerIp).toMatchObject({ max: 600, windowMs: minute });
    expect(RATE_LIMITS.loginPerEmailAndIp).toMatchObject({ max: 10, windowMs: 10 * minute });
    expect(RATE_LIMITS.loginPerEmail).toMatchObject({ max: 100, windowMs: 60 * minute });
    expect(RATE_LIMITS.signupPerIp).toMatchObject({ max: 120, windowMs: minute });
    expect(RATE_LIMITS.guestJoinPerIp).toMatchObject({ max: 1_000, windowMs: minute });
    expect(RATE_LIMITS.eventMissesPerIp).toMatchObject({ max: 100, windowMs: 10 * minute });
    // One attacker IP (10 per 10 minutes) cannot reach the per-email ceiling within its hour.
    expect(RATE_LIMITS.loginPerEmailAndIp.max * 6).toBeLessThan(RATE_LIMITS.loginPerEmail.max);
  });
});
