import { randomBytes } from "node:crypto";
import mongoose from "mongoose";
import { describe, expect, it } from "vitest";
import { api, bearer, createUser, expectError } from "./support/harness";

function uniqueEmail(): string {
  return `signup-${randomBytes(5).toString("hex")}@example.com`;
}

async function storedUser(userId: string): Promise<Record<string, unknown> | null> {
  const users = mongoose.connection.db?.collection("users");
  if (!users) throw new Error("no database connection");
  return users.findOne({ _id: new mongoose.Types.ObjectId(userId) });
}

describe("POST /api/auth/signup", () => {
  it("POST /api/auth/signup – creates an account: 201 with userId and a token that works on /api/users/me", async () => {
    const email = uniqueEmail();
    const res = await api()
      .post("/api/auth/signup")
      .send({ name: "Ada Lovelace", email, password: "analytical-engine" });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      success: true,
      message: expect.any(String),
      userId: expect.stringMatching(/^[0-9a-f]{24}$/),
      token: expect.any(String),
    });

    const me = await api()
      .get("/api/users/me")
      .set(...bearer(res.body.token))
      .expect(200);
    expect(me.body.user).toEqual({
      _id: res.body.userId,
      name: "Ada Lovelace",
      email,
      authProvider: "local",
      profileVisibility: "event",
      isGuest: false,
      bio: "",
      title: "",
      organization: "",
      profilePhoto: null,
      socialLinks: {},
    });
  });

  it("POST /api/auth/signup – a duplicate email in another case is a 409 email_taken", async () => {
    const email = uniqueEmail();
    await createUser({ email });
    const res = await api()
      .post("/api/auth/signup")
      .send({ name: "Copycat", email: email.toUpperCase(), password: "another-password" });
    expectError(res, 409, "email_taken");
  });

  it("POST /api/auth/signup – a short password is a 400 invalid_input on path password", async () => {
    const res = await api()
      .post("/api/auth/signup")
      .send({ name: "Shorty", email: uniqueEmail(), password: "1234567" });
    expectError(res, 400, "invalid_input");
    expect(res.body.issues.map((issue: { path: string }) => issue.path)).toEqual(["password"]);
  });

  it("POST /api/auth/signup – an empty body lists every missing field in issues", async () => {
    const res = await api().post("/api/auth/signup").send({});
    expectError(res, 400, "invalid_input");
    const paths = res.body.issues.map((issue: { path: string }) => issue.path).sort();
    expect(paths).toEqual(["email", "name", "password"]);
    for (const issue of res.body.issues)
      expect(issue).toEqual({ path: expect.any(String), message: expect.any(String) });
  });

  it("POST /api/auth/signup – a bad email, blank name and short password are all reported together", async () => {
    const res = await api().post("/api/auth/signup").send({ name: "   ", email: "not-an-email", password: "short" });
    expectError(res, 400, "invalid_input");
    const paths = new Set(res.body.issues.map((issue: { path: string }) => issue.path));
    expect(paths).toEqual(new Set(["name", "email", "password"]));
  });

  it("POST /api/auth/signup – a bad email alone is a 400 invalid_input on path email", async () => {
    const res = await api()
      .post("/api/auth/signup")
      .send({ name: "Bad Mail", email: "nobody@", password: "long-enough-password" });
    expectError(res, 400, "invalid_input");
    expect(res.body.issues.map((issue: { path: string }) => issue.path)).toEqual(["email"]);
  });

  it("POST /api/auth/signup – an operator object in a field is a 400 and creates nothing", async () => {
    const email = uniqueEmail();
    const res = await api()
      .post("/api/auth/signup")
      .send({ name: { $gt: "" }, email, password: "long-enough-password" });
    expectError(res, 400, "invalid_input");
    expect(res.body.issues.map((issue: { path: string }) => issue.path)).toEqual(["name"]);

    const emailOperator = await api()
      .post("/api/auth/signup")
      .send({ name: "Eve", email: { $ne: null }, password: "long-enough-password" });
    expectError(emailOperator, 400, "invalid_input");

    const users = mongoose.connection.db?.collection("users");
    expect(await users?.countDocuments({ emailKey: email })).toBe(0);
  });

  it("POST /api/auth/signup – unknown fields are ignored and never stored", async () => {
    const email = uniqueEmail();
    const res = await api()
      .post("/api/auth/signup")
      .send({
        name: "Mallory",
        email,
        password: "long-enough-password",
        authProvider: "guest",
        role: "admin",
        passwordHash: "x",
        isAdmin: true,
        isGuest: true,
        bio: "Signup does not take a profile: the app PUTs it after",
      })
      .expect(201);

    const me = await api()
      .get("/api/users/me")
      .set(...bearer(res.body.token))
      .expect(200);
    expect(me.body.user).toEqual({
      _id: res.body.userId,
      name: "Mallory",
      email,
      authProvider: "local",
      profileVisibility: "event",
      isGuest: false,
      bio: "",
      title: "",
      organization: "",
      profilePhoto: null,
      socialLinks: {},
    });

    const stored = await storedUser(res.body.userId);
    expect(stored).not.toBeNull();
    expect(stored).not.toHaveProperty("role");
    expect(stored).not.toHaveProperty("isAdmin");
    expect(stored).not.toHaveProperty("isGuest");
    expect(stored).not.toHaveProperty("bio");
    expect(stored?.authProvider).toBe("local");
    expect(stored?.passwordHash).toMatch(/^\$scrypt\$ln=\d+,r=8,p=1\$/);
  });

  it("POST /api/auth/signup – the name is stored trimmed and NFC-normalised", async () => {
    // "Zoe" with a combining diaeresis (NFD) and surrounding spaces.
    const decomposed = "  Zoe\u0308 Ame\u0301lie  ";
    const res = await api()
      .post("/api/auth/signup")
      .send({ name: decomposed, email: uniqueEmail(), password: "long-enough-password" })
      .expect(201);

    const me = await api()
      .get("/api/users/me")
      .set(...bearer(res.body.token))
      .expect(200);
    expect(me.body.user.name).toBe("Zoë Amélie");
    expect(me.body.user.name).toBe("Zoë Amélie".normalize("NFC"));
    expect((await storedUser(res.body.userId))?.name).toBe("Zoë Amélie".normalize("NFC"));
  });
});
