import { randomBytes, scryptSync } from "node:crypto";
import mongoose from "mongoose";
import { beforeAll, describe, expect, it } from "vitest";
import { currentScryptCost, hashPassword, needsRehash, verifyPassword } from "../src/auth/passwords";
import { connectDatabase } from "../src/db/connection";
import { parseEnv } from "../src/env-schema";
import { User } from "../src/models/user";
import { api, createUser } from "./support/harness";

// Password hashes say how they were made (PHC strings with the scrypt cost), new ones at OWASP's
// cost, and hashes in the old format or at an old cost are replaced on the next sign-in.

const PASSWORD = "correct horse battery";
const BASE_ENV = { MONGODB_URI: "mongodb://127.0.0.1:27017", JWT_SECRET: "a-production-secret-of-at-least-32-chars" };

/** A hash as main stored it before: `scrypt$salt$key` at Node's defaults (N=2^14, r=8, p=1). */
function legacyHash(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString("base64")}$${scryptSync(password, salt, 32).toString("base64")}`;
}

beforeAll(async () => {
  await connectDatabase();
});

describe("password hashes", () => {
  it("hashPassword – new hashes are at N=2^17, r=8, p=1 unless the environment lowers N (tests only; refused on Vercel)", async () => {
    expect(parseEnv(BASE_ENV).PASSWORD_SCRYPT_LOG_N).toBe(17);
    expect(() => parseEnv({ ...BASE_ENV, PASSWORD_SCRYPT_LOG_N: "16", VERCEL: "1" })).toThrow(
      /PASSWORD_SCRYPT_LOG_N: must be at least 17 on Vercel/,
    );
    const stored = await hashPassword(PASSWORD, { ln: 17, r: 8, p: 1 });
    expect(stored).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    // Two hashes at 128 MiB each are enough here (a wrong password is checked at the tests' cost).
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
    expect(needsRehash(stored, { ln: 17, r: 8, p: 1 })).toBe(false);
  });

  it("verifyPassword – an old `scrypt$salt$key` hash still verifies, and needs re-hashing", async () => {
    const old = legacyHash(PASSWORD);
    expect(await verifyPassword(PASSWORD, old)).toBe(true);
    expect(await verifyPassword("not the password", old)).toBe(false);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(await hashPassword(PASSWORD, { ...currentScryptCost(), ln: 11 }))).toBe(true);
    expect(needsRehash(await hashPassword(PASSWORD))).toBe(false);
  });

  it("verifyPassword – a stored cost beyond what the server will compute is false, not a hang", async () => {
    const stored = await hashPassword(PASSWORD);
    expect(await verifyPassword(PASSWORD, stored.replace(/ln=\d+/, "ln=30"))).toBe(false);
    expect(await verifyPassword(PASSWORD, stored.replace("p=1", "p=9"))).toBe(false);
  });

  it("POST /api/auth/login – an account with an old hash signs in, and its hash is replaced by one at the current cost", async () => {
    const user = await createUser({ password: PASSWORD });
    const _id = new mongoose.Types.ObjectId(user.userId);
    await User.updateOne({ _id }, { $set: { passwordHash: legacyHash(PASSWORD) } });

    const res = await api().post("/api/auth/login").send({ email: user.email, password: PASSWORD });
    expect(res.status).toBe(200);
    const stored = (await User.findById(_id).select("+passwordHash").lean())?.passwordHash ?? "";
    expect(stored).toMatch(new RegExp(`^\\$scrypt\\$ln=${currentScryptCost().ln},r=8,p=1\\$`));
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
    // And the new hash keeps working.
    expect((await api().post("/api/auth/login").send({ email: user.email, password: PASSWORD })).status).toBe(200);
  });
});
